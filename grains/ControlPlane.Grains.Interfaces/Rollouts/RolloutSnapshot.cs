namespace ControlPlane.Grains.Rollouts;

/// <summary>A rollout as its record says now.</summary>
public sealed record RolloutSnapshot
{
    public required string Id { get; init; }

    public required RolloutState State { get; init; }

    public required int TargetVersion { get; init; }

    public required int MaxParallel { get; init; }

    public required double FailureThreshold { get; init; }

    /// <summary>Index of the wave being migrated (or the last one, once finished).</summary>
    public required int CurrentWave { get; init; }

    public required IReadOnlyList<RolloutWaveProgress> Waves { get; init; }

    public required RolloutCounts Totals { get; init; }

    /// <summary>Tenants finished per second since the rollout started (or last resumed).</summary>
    public double TenantsPerSecond { get; init; }

    /// <summary>Estimated time left at the current rate; null when unknown or finished.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Why the rollout halted (or was cancelled).</summary>
    public string? Reason { get; init; }

    public required IReadOnlyList<RolloutFailure> FailedTenants { get; init; }

    public string? CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public required long Etag { get; init; }
}

/// <summary>One wave's definition and progress.</summary>
public sealed record RolloutWaveProgress(string Name, int Size, RolloutCounts Counts);

/// <summary>Tenants by status.</summary>
public sealed record RolloutCounts(int Pending, int Running, int Succeeded, int Failed, int Skipped)
{
    public int Total => Pending + Running + Succeeded + Failed + Skipped;
}

/// <summary>A tenant the rollout could not migrate, and why.</summary>
public sealed record RolloutFailure(string Slug, string Wave, string? Error, int FromVersion);
