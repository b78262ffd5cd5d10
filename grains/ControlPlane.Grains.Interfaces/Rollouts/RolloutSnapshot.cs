using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>A rollout as its record says now.</summary>
[GenerateSerializer, Immutable, Alias("cp.RolloutSnapshot")]
public sealed record RolloutSnapshot
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public required RolloutState State { get; init; }

    [Id(2)]
    public required int TargetVersion { get; init; }

    [Id(3)]
    public required int MaxParallel { get; init; }

    [Id(4)]
    public required double FailureThreshold { get; init; }

    /// <summary>Index of the wave being migrated (or the last one, once finished).</summary>
    [Id(5)]
    public required int CurrentWave { get; init; }

    [Id(6)]
    public required IReadOnlyList<RolloutWaveProgress> Waves { get; init; }

    [Id(7)]
    public required RolloutCounts Totals { get; init; }

    /// <summary>Tenants finished per second since the rollout started (or last resumed).</summary>
    [Id(8)]
    public double TenantsPerSecond { get; init; }

    /// <summary>Estimated time left at the current rate; null when unknown or finished.</summary>
    [Id(9)]
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Why the rollout halted (or was cancelled).</summary>
    [Id(10)]
    public string? Reason { get; init; }

    [Id(11)]
    public required IReadOnlyList<RolloutFailure> FailedTenants { get; init; }

    [Id(12)]
    public string? CreatedBy { get; init; }

    [Id(13)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(14)]
    public DateTimeOffset? FinishedAt { get; init; }

    [Id(15)]
    public required long Etag { get; init; }

    /// <summary>When a scheduled rollout may start (null: it started when created).</summary>
    [Id(16)]
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The rollout's lock timeout for its tenants' DDL; null: the deployment's.</summary>
    [Id(17)]
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>The rollout's statement timeout for its tenants' DDL; null: the deployment's.</summary>
    [Id(18)]
    public TimeSpan? StatementTimeout { get; init; }

    /// <summary>Tenants whose migration gave up on a lock and waits to be tried again, now.</summary>
    [Id(19)]
    public int LockWaiting { get; init; }

    /// <summary>Tenants whose migrations needed more than one try because of lock timeouts.</summary>
    [Id(20)]
    public int LockRetried { get; init; }

    /// <summary>Maintenance windows it dispatches in (null: any time).</summary>
    [Id(21)]
    public IReadOnlyList<MaintenanceWindow>? Windows { get; init; }

    /// <summary>When a Scheduled or WaitingForWindow rollout next runs; null for any other state.</summary>
    [Id(22)]
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>Each pooled schema the rollout migrates as one unit (docs/tiers.md, "Rollouts"); also among its counts and failures.</summary>
    [Id(95)]
    public IReadOnlyList<RolloutPooledUnit> PooledUnits { get; init; } = [];
}

/// <summary>One wave's definition and progress; <paramref name="Selector"/> is the label selector it took tenants by, if any.</summary>
[GenerateSerializer, Immutable, Alias("cp.RolloutWaveProgress")]
public sealed record RolloutWaveProgress(string Name, int Size, RolloutCounts Counts, string? Selector = null);

/// <summary>Tenants by status.</summary>
[GenerateSerializer, Immutable, Alias("cp.RolloutCounts")]
public sealed record RolloutCounts(int Pending, int Running, int Succeeded, int Failed, int Skipped)
{
    public int Total => Pending + Running + Succeeded + Failed + Skipped;
}

/// <summary>A tenant the rollout could not migrate, and why; <c>LockTries</c>: the tries its migration took (lock timeouts).</summary>
[GenerateSerializer, Immutable, Alias("cp.RolloutFailure")]
public sealed record RolloutFailure(string Slug, string Wave, string? Error, int FromVersion, int LockTries = 0);
