using ControlPlane.Grains.Rollouts;
namespace ControlPlane.Registry.Contracts.Rollouts;

/// <summary>Starting and finding rollouts (the coordinator grain runs each one).</summary>
public interface IRolloutRegistry
{
    /// <summary>
    /// Validates the plan against the catalogue and the tenants' applied migrations, records the rollout with its
    /// tenant list, and returns its id. Throws <see cref="RolloutConflictException"/> when another rollout is open or
    /// an applied migration has drifted, <c>MigrationLintException</c> when the pending files have error-level lint
    /// findings that <see cref="RolloutPlan.AcceptLint"/> does not accept.
    /// </summary>
    Task<string> CreateAsync(RolloutPlan plan, string? createdBy, CancellationToken cancellationToken);

    /// <summary>Recent rollouts, newest first.</summary>
    Task<IReadOnlyList<RolloutSnapshot>> ListAsync(int limit, CancellationToken cancellationToken);
}
