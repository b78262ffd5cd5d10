namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/rollouts</c>; every field may be omitted.</summary>
/// <param name="TargetVersion">Version to reach; default: the newest migration in the catalogue.</param>
/// <param name="MaxParallel">Tenants migrated at once; default: the silo's work-connection budget.</param>
/// <param name="Waves">
/// Waves in order, e.g. <c>[{"name":"canary","tenants":20},{"name":"eu","selector":"region=eu"},{"name":"rest"}]</c>;
/// every wave but the last needs a size or a selector; the last takes the rest.
/// </param>
/// <param name="FailureThreshold">Fraction (0..1) of a wave that may fail before the rollout halts; default 0.</param>
/// <param name="NotBefore">
/// Start no earlier than this ISO 8601 timestamp with an offset (<c>2026-12-24T02:00:00Z</c>), at most a year ahead:
/// the rollout waits as <c>Scheduled</c> until then. Absent, or not in the future: start now.
/// </param>
public sealed record CreateRolloutRequest(int? TargetVersion, int? MaxParallel, IReadOnlyList<RolloutWaveRequest>? Waves, double? FailureThreshold, string? NotBefore = null);

/// <summary>
/// A wave of a new rollout: a size (<c>{"name":"canary","tenants":20}</c>), a label selector
/// (<c>{"name":"free-eu","selector":"plan=free,region=eu"}</c>), or both (the selector's first N tenants).
/// </summary>
public sealed record RolloutWaveRequest(string? Name, int? Tenants, string? Selector = null);
