using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants;

/// <summary>Decides a tenant's next unit of work from its registry row alone, so any silo decides the same.</summary>
public static class WorkPlan
{
    /// <summary>
    /// The next unit for <paramref name="row"/>; <paramref name="due"/> says whether scheduled work (a retry) is due, and
    /// <paramref name="upgradeTarget"/> is the version a rollout asks an active tenant to reach.
    /// </summary>
    public static WorkUnit Next(TenantRow row, bool due, int? upgradeTarget = null) => row.State switch
    {
        TenantStatus.Requested => WorkUnit.CreateSchema,
        TenantStatus.SchemaCreated => WorkUnit.Migrate,
        TenantStatus.Migrated => WorkUnit.Seed,
        TenantStatus.Seeded => WorkUnit.Activate,
        TenantStatus.Deprovisioning => WorkUnit.Deprovision,
        TenantStatus.Failed when due && row.FailedStep is not null => WorkUnit.Resume,
        // Upgrades run only while a rollout asks; a failed upgrade leaves the tenant serving on its old version.
        TenantStatus.Active or TenantStatus.Suspended when upgradeTarget is int target && row.MigrationVersion < target => WorkUnit.Migrate,
        _ => WorkUnit.None,
    };

    /// <summary>The provisioning step a unit performs (for failure records).</summary>
    public static ProvisioningStep? StepOf(WorkUnit unit) => unit switch
    {
        WorkUnit.CreateSchema => ProvisioningStep.CreateSchema,
        WorkUnit.Migrate => ProvisioningStep.Migrate,
        WorkUnit.Seed => ProvisioningStep.Seed,
        WorkUnit.Activate => ProvisioningStep.Activate,
        WorkUnit.Deprovision => ProvisioningStep.Deprovision,
        _ => null,
    };
}
