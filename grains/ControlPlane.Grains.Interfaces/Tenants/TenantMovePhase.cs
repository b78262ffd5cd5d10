using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>Where a move between tiers is (docs/tiers.md#moving-a-tenant-between-tiers); each phase is one unit of the tenant's drive.</summary>
[GenerateSerializer, Alias("cp.TenantMovePhase")]
public enum TenantMovePhase
{
    /// <summary>The target is being made: a schema and role migrated to the tenant's version, or its place in the pooled schema.</summary>
    Preparing,

    /// <summary>Rows are copied and verified, and routing switches to the target, in one transaction; writes are held off.</summary>
    Copying,

    /// <summary>Routing is on the target; the source's rows (or schema and role) are being removed.</summary>
    Removing,
}
