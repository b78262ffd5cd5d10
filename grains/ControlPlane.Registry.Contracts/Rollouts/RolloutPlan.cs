using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Registry.Contracts.Rollouts;

/// <summary>What an operator asks for; null fields take the defaults the coordinator chooses.</summary>
/// <param name="TargetVersion">Migration version to reach; default: the newest in the catalogue.</param>
/// <param name="MaxParallel">Tenants migrated at once; default and ceiling: the silo's work-connection budget.</param>
/// <param name="Waves">Waves in order (see <see cref="RolloutWavePlan"/>); the last takes the rest. Default: one wave.</param>
/// <param name="FailureThreshold">Fraction of a wave's tenants that may fail before the rollout halts; default 0.</param>
/// <param name="NotBefore">When to start, if later than now: the rollout waits as Scheduled until then. Null: start now.</param>
/// <param name="AcceptLint">Lint rule ids whose error-level findings in the pending files may go ahead; null or empty: none.</param>
/// <param name="LockTimeout">How long each tenant DDL statement waits for a lock before it is tried again; null: the deployment's.</param>
/// <param name="StatementTimeout">How long each tenant DDL statement may run before its tenant fails; null: the deployment's.</param>
/// <param name="Windows">Maintenance windows to dispatch in (WaitingForWindow outside them). Null or empty: any time.</param>
public sealed record RolloutPlan(
    int? TargetVersion,
    int? MaxParallel,
    IReadOnlyList<RolloutWavePlan>? Waves,
    double? FailureThreshold,
    DateTimeOffset? NotBefore = null,
    IReadOnlyList<string>? AcceptLint = null,
    TimeSpan? LockTimeout = null,
    TimeSpan? StatementTimeout = null,
    IReadOnlyList<MaintenanceWindow>? Windows = null);

/// <summary>
/// A wave of a rollout plan. Without a selector it takes the next <paramref name="Tenants"/> unassigned tenants in
/// md5(slug) order; with one, every unassigned tenant it matches (at most <paramref name="Tenants"/> when given).
/// The last wave takes every tenant no earlier wave took, whatever its size or selector.
/// </summary>
/// <param name="Name">The wave's name, unique in the rollout.</param>
/// <param name="Tenants">How many tenants it takes (with a selector: at most); null for all that remain or match.</param>
/// <param name="Selector">A label selector in canonical form (<see cref="Grains.Tenants.LabelSelector"/>), or null.</param>
public sealed record RolloutWavePlan(string Name, int? Tenants, string? Selector = null);
