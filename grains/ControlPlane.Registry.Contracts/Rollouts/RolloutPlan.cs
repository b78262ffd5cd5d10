using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Registry.Contracts.Rollouts;

/// <summary>What an operator asks for; null fields take the defaults the coordinator chooses.</summary>
/// <param name="TargetVersion">Migration version to reach; default: the newest in the catalogue.</param>
/// <param name="MaxParallel">Tenants migrated at once; default and ceiling: the silo's work-connection budget.</param>
/// <param name="Waves">Waves in order; each but the last may give a size, the last takes the rest. Default: one wave.</param>
/// <param name="FailureThreshold">Fraction of a wave's tenants that may fail before the rollout halts; default 0.</param>
/// <param name="NotBefore">When to start, if later than now: the rollout waits as Scheduled until then. Null: start now.</param>
/// <param name="Windows">Maintenance windows to dispatch in (WaitingForWindow outside them). Null or empty: any time.</param>
public sealed record RolloutPlan(
    int? TargetVersion,
    int? MaxParallel,
    IReadOnlyList<RolloutWavePlan>? Waves,
    double? FailureThreshold,
    DateTimeOffset? NotBefore = null,
    IReadOnlyList<MaintenanceWindow>? Windows = null);

/// <summary>A wave of a rollout plan: a name, and how many tenants (null: all that remain).</summary>
public sealed record RolloutWavePlan(string Name, int? Tenants);
