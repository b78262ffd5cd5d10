namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/rollouts</c>; every field may be omitted.</summary>
/// <param name="TargetVersion">Version to reach; default: the newest migration in the catalogue.</param>
/// <param name="MaxParallel">Tenants migrated at once; default: the silo's work-connection budget.</param>
/// <param name="Waves">Waves in order, e.g. <c>[{"name":"canary","tenants":20},{"name":"rest"}]</c>; only the last may omit its size.</param>
/// <param name="FailureThreshold">Fraction (0..1) of a wave that may fail before the rollout halts; default 0.</param>
/// <param name="NotBefore">
/// Start no earlier than this ISO 8601 timestamp with an offset (<c>2026-12-24T02:00:00Z</c>), at most a year ahead:
/// the rollout waits as <c>Scheduled</c> until then. Absent, or not in the future: start now.
/// </param>
/// <param name="AcceptLint">
/// Lint rule ids (<c>["drop-column", ...]</c>) whose error-level findings in the pending migrations may go ahead;
/// without them such a rollout is refused with 409 listing the findings.
/// </param>
public sealed record CreateRolloutRequest(int? TargetVersion, int? MaxParallel, IReadOnlyList<RolloutWaveRequest>? Waves, double? FailureThreshold, string? NotBefore = null, IReadOnlyList<string>? AcceptLint = null);

/// <summary>A wave of a new rollout.</summary>
public sealed record RolloutWaveRequest(string? Name, int? Tenants);
