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

    /// <summary>
    /// What <see cref="CreateAsync"/> would record for <paramref name="plan"/> now, writing nothing: waves, skips,
    /// migrations and drift (reported here, where a start refuses it). <paramref name="tenant"/>: also say where that
    /// tenant lands. Throws as <see cref="CreateAsync"/> does for a plan the catalogue cannot satisfy.
    /// </summary>
    Task<RolloutPreview> PlanAsync(RolloutPlan plan, string? tenant, CancellationToken cancellationToken);

    /// <summary>Recent rollouts, newest first.</summary>
    Task<IReadOnlyList<RolloutSnapshot>> ListAsync(int limit, CancellationToken cancellationToken);
}
