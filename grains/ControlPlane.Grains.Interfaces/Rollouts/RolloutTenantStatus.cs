using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>One tenant's place in a rollout.</summary>
[GenerateSerializer, Alias("cp.RolloutTenantStatus")]
public enum RolloutTenantStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,

    /// <summary>Nothing to do: already at the target, or not a tenant that can be migrated now (deleted, failed provisioning).</summary>
    Skipped,
}
