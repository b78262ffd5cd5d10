using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Grains.Rollouts;

/// <summary>A row of <c>controlplane.rollouts</c>.</summary>
public sealed record RolloutRecord
{
    public required string Id { get; init; }

    public required RolloutState State { get; init; }

    public required int TargetVersion { get; init; }

    public required int MaxParallel { get; init; }

    public required double FailureThreshold { get; init; }

    public required IReadOnlyList<RolloutWaveDefinition> Waves { get; init; }

    public required int CurrentWave { get; init; }

    public required int AcceptedFailures { get; init; }

    public string? Reason { get; init; }

    public string? CreatedBy { get; init; }

    public required long Etag { get; init; }

    public string? LeaseOwner { get; init; }

    public long LeaseToken { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a scheduled rollout may start, by the database's clock (null: it started when created).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The rollout's lock timeout for its tenants' DDL (null: the deployment's).</summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>The rollout's statement timeout for its tenants' DDL (null: the deployment's).</summary>
    public TimeSpan? StatementTimeout { get; init; }

    /// <summary>Maintenance windows it dispatches in (null: any time).</summary>
    public IReadOnlyList<MaintenanceWindow>? Windows { get; init; }

    /// <summary>
    /// When a rollout that waits next runs: a Scheduled one at <c>notBefore</c>, or the first window opening after it;
    /// one WaitingForWindow at the next opening (now, if its reminder has yet to notice one is open). Null otherwise.
    /// </summary>
    public DateTimeOffset? NextRunAt(DateTimeOffset now) => State switch
    {
        RolloutState.Scheduled when NotBefore is { } notBefore => Windows?.NextRun(notBefore) ?? notBefore,
        RolloutState.WaitingForWindow => Windows?.NextRun(now),
        _ => null,
    };

    /// <summary>True while the rollout can still change (only one such rollout exists at a time).</summary>
    public bool IsOpen => State is RolloutState.Scheduled or RolloutState.WaitingForWindow or RolloutState.Running or RolloutState.Paused or RolloutState.Halted;
}

/// <summary>A wave as recorded at creation: its name, the size asked for, and the label selector it took tenants by (if any).</summary>
public sealed record RolloutWaveDefinition(string Name, int Size, string? Selector = null);
