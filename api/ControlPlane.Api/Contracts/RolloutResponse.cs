using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Api.Contracts;

/// <summary>
/// A rollout, as <c>GET /v1/rollouts/{id}</c> returns it. <c>NotBefore</c> is when a scheduled rollout may start
/// (it stays after the start); null for one that started when created. <c>LockTimeoutMs</c> / <c>StatementTimeoutMs</c>
/// are the rollout's own timeouts (null: the deployment's); <c>LockWaiting</c> counts tenants waiting to try a
/// migration again after a lock timeout, <c>LockRetried</c> those whose migrations took more than one try. <c>Windows</c> are its maintenance windows (null:
/// any time); <c>NextRunAt</c> is when a <c>Scheduled</c> or <c>WaitingForWindow</c> rollout next runs.
/// <c>PooledUnits</c> are the pooled schemas it migrates as one unit each, also counted (and, when failed, listed) among its tenants.
/// </summary>
public sealed record RolloutResponse(
    string Id,
    RolloutState State,
    int TargetVersion,
    int MaxParallel,
    double FailureThreshold,
    int CurrentWave,
    IReadOnlyList<RolloutWaveResponse> Waves,
    RolloutCountsResponse Totals,
    double TenantsPerSecond,
    double? EtaSeconds,
    string? Reason,
    IReadOnlyList<RolloutFailure> FailedTenants,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    long Etag,
    DateTimeOffset? NotBefore,
    IReadOnlyList<MaintenanceWindowResponse>? Windows,
    DateTimeOffset? NextRunAt,
    double? LockTimeoutMs = null,
    double? StatementTimeoutMs = null,
    int LockWaiting = 0,
    int LockRetried = 0,
    IReadOnlyList<RolloutPooledUnit>? PooledUnits = null)
{
    public static RolloutResponse From(RolloutSnapshot rollout) => new(
        rollout.Id,
        rollout.State,
        rollout.TargetVersion,
        rollout.MaxParallel,
        rollout.FailureThreshold,
        rollout.CurrentWave,
        [.. rollout.Waves.Select(w => new RolloutWaveResponse(w.Name, w.Size, RolloutCountsResponse.From(w.Counts), w.Selector))],
        RolloutCountsResponse.From(rollout.Totals),
        Math.Round(rollout.TenantsPerSecond, 2),
        rollout.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds, 1) : null,
        rollout.Reason,
        rollout.FailedTenants,
        rollout.CreatedBy,
        rollout.CreatedAt,
        rollout.FinishedAt,
        rollout.Etag,
        rollout.NotBefore,
        rollout.Windows is { } windows ? [.. windows.Select(w => new MaintenanceWindowResponse(w.DaysText, w.FromText, w.ToText, w.TimeZone))] : null,
        rollout.NextRunAt,
        rollout.LockTimeout?.TotalMilliseconds,
        rollout.StatementTimeout?.TotalMilliseconds,
        rollout.LockWaiting,
        rollout.LockRetried,
        rollout.PooledUnits);
}

/// <summary>A maintenance window as recorded: days in week order (<c>Mon-Fri</c>, <c>*</c>), <c>HH:mm</c> times, IANA zone.</summary>
public sealed record MaintenanceWindowResponse(string Days, string From, string To, string TimeZone);

/// <summary>One wave: its size, tenants by status, and the label selector it took them by (null for a wave by size).</summary>
public sealed record RolloutWaveResponse(string Name, int Size, RolloutCountsResponse Counts, string? Selector = null);

/// <summary>Tenants by status.</summary>
public sealed record RolloutCountsResponse(int Pending, int Running, int Succeeded, int Failed, int Skipped, int Total)
{
    public static RolloutCountsResponse From(RolloutCounts counts) =>
        new(counts.Pending, counts.Running, counts.Succeeded, counts.Failed, counts.Skipped, counts.Total);
}
