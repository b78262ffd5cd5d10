using ControlPlane.Registry.Contracts.Rollouts;

namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>The migration lint as a rollout (and its plan) sees it.</summary>
public interface IMigrationLint
{
    /// <summary>
    /// The findings of the files <paramref name="plan"/> would run: catalogue versions above the lowest version among the
    /// tenants it would migrate, up to its target. Changes nothing. Throws <c>TenantValidationException</c> naming
    /// <c>acceptLint[i]</c> for an unknown rule id, or <c>targetVersion</c> for a version not in the catalogue.
    /// </summary>
    Task<PendingLint> ForPlanAsync(RolloutPlan plan, CancellationToken cancellationToken);
}
