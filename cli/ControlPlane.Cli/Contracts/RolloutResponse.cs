namespace ControlPlane.Cli.Contracts;

/// <summary>A rollout as <c>GET /v1/rollouts/{id}</c> returns it.</summary>
internal sealed record RolloutResponse(
    string Id,
    string State,
    int TargetVersion,
    int MaxParallel,
    double FailureThreshold,
    int CurrentWave,
    IReadOnlyList<RolloutWaveResponse> Waves,
    RolloutCountsResponse Totals,
    double TenantsPerSecond,
    double? EtaSeconds,
    string? Reason,
    IReadOnlyList<RolloutFailureResponse>? FailedTenants,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    long Etag,
    DateTimeOffset? NotBefore,
    IReadOnlyList<MaintenanceWindowResponse>? Windows = null,
    DateTimeOffset? NextRunAt = null,
    double? LockTimeoutMs = null,
    double? StatementTimeoutMs = null,
    int LockWaiting = 0,
    int LockRetried = 0);

/// <summary>A maintenance window as the server recorded it.</summary>
internal sealed record MaintenanceWindowResponse(string Days, string From, string To, string TimeZone)
{
    public override string ToString() => $"{Days} {From}-{To} {TimeZone}";
}

/// <summary>One wave: its size and tenants by status.</summary>
internal sealed record RolloutWaveResponse(string Name, int Size, RolloutCountsResponse Counts, string? Selector = null);

/// <summary>Tenants by status.</summary>
internal sealed record RolloutCountsResponse(int Pending, int Running, int Succeeded, int Failed, int Skipped, int Total)
{
    /// <summary>Tenants the rollout is done with, whatever the outcome.</summary>
    public int Finished => Succeeded + Failed + Skipped;
}

/// <summary>A tenant the rollout could not migrate, and why; <c>LockTries</c>: tries its migration took (lock timeouts).</summary>
internal sealed record RolloutFailureResponse(string Slug, string Wave, string? Error, int FromVersion, int LockTries = 0);
