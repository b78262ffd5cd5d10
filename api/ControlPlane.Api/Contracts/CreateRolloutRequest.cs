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
/// <param name="AcceptLint">
/// Lint rule ids (<c>["drop-column", ...]</c>) whose error-level findings in the pending migrations may go ahead;
/// without them such a rollout is refused with 409 listing the findings.
/// </param>
/// <param name="LockTimeout">
/// How long each tenant DDL statement waits for a lock before its migration gives up and is tried again
/// (<c>"500ms"</c>, <c>"1s"</c>, <c>"PT1S"</c>; 10 ms to 1 min); default <c>ControlPlane:Migrations:LockTimeout</c>.
/// </param>
/// <param name="StatementTimeout">
/// How long each tenant DDL statement may run before its tenant fails (<c>"30s"</c>, <c>"2min"</c>; 100 ms to 6 h, and not
/// below <c>lockTimeout</c>); default <c>ControlPlane:Migrations:StatementTimeout</c> (none).
/// </param>
/// <param name="Windows">
/// Maintenance windows to dispatch tenants in, e.g. <c>[{"days":"Mon-Fri","from":"01:00","to":"05:00","timeZone":"UTC"}]</c>:
/// outside them the rollout is <c>WaitingForWindow</c>. Absent or empty: any time.
/// </param>
public sealed record CreateRolloutRequest(
    int? TargetVersion,
    int? MaxParallel,
    IReadOnlyList<RolloutWaveRequest>? Waves,
    double? FailureThreshold,
    string? NotBefore = null,
    IReadOnlyList<string>? AcceptLint = null,
    string? LockTimeout = null,
    string? StatementTimeout = null,
    IReadOnlyList<MaintenanceWindowRequest>? Windows = null);

/// <summary>
/// A wave of a new rollout: a size (<c>{"name":"canary","tenants":20}</c>), a label selector
/// (<c>{"name":"free-eu","selector":"plan=free,region=eu"}</c>), or both (the selector's first N tenants).
/// </summary>
public sealed record RolloutWaveRequest(string? Name, int? Tenants, string? Selector = null);
/// <summary>
/// A weekly maintenance window: <c>days</c> (<c>Mon-Fri</c>, <c>Sat,Sun</c>, <c>Mon,Wed-Fri</c>; <c>*</c> or absent:
/// every day), <c>from</c> and <c>to</c> as 24-hour <c>HH:mm</c> (a <c>to</c> at or before <c>from</c> crosses
/// midnight; the day is the one it opens on), <c>timeZone</c> an IANA id (absent: UTC).
/// </summary>
public sealed record MaintenanceWindowRequest(string? Days, string? From, string? To, string? TimeZone);
