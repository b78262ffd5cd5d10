using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed class WorkPlanShould
{
    [Theory]
    [InlineData(TenantStatus.Requested, WorkUnit.CreateSchema)]
    [InlineData(TenantStatus.SchemaCreated, WorkUnit.Migrate)]
    [InlineData(TenantStatus.Migrated, WorkUnit.Seed)]
    [InlineData(TenantStatus.Seeded, WorkUnit.Activate)]
    [InlineData(TenantStatus.Deprovisioning, WorkUnit.Deprovision)]
    [InlineData(TenantStatus.Active, WorkUnit.None)]
    [InlineData(TenantStatus.Suspended, WorkUnit.None)]
    [InlineData(TenantStatus.Deleted, WorkUnit.None)]
    public void PickTheNextUnitFromTheStateAlone(TenantStatus state, WorkUnit expected) =>
        Assert.Equal(expected, WorkPlan.Next(Row(state), due: true));

    [Fact]
    public void ResumeAFailedTenantOnlyWhenItsRetryIsDue()
    {
        var failed = Row(TenantStatus.Failed) with { FailedStep = ProvisioningStep.Seed };

        Assert.Equal(WorkUnit.Resume, WorkPlan.Next(failed, due: true));
        Assert.Equal(WorkUnit.None, WorkPlan.Next(failed, due: false));
    }

    [Theory]
    [InlineData(TenantStatus.Active)]
    [InlineData(TenantStatus.Suspended)]
    public void UpgradeAServingTenantOnlyWhileARolloutAsksForAVersionAboveItsOwn(TenantStatus state)
    {
        var tenant = Row(state) with { MigrationVersion = 3 };

        Assert.Equal(WorkUnit.Migrate, WorkPlan.Next(tenant, due: false, upgradeTarget: 4));
        Assert.Equal(WorkUnit.None, WorkPlan.Next(tenant, due: true, upgradeTarget: null));
        Assert.Equal(WorkUnit.None, WorkPlan.Next(tenant with { MigrationVersion = 4 }, due: false, upgradeTarget: 4));
    }

    [Fact]
    public void FinishProvisioningBeforeAnyUpgrade() =>
        Assert.Equal(WorkUnit.Seed, WorkPlan.Next(Row(TenantStatus.Migrated), due: true, upgradeTarget: 9));

    private static TenantRow Row(TenantStatus state) => new()
    {
        Slug = "acme",
        DisplayName = "Acme",
        SchemaName = "tenant_acme",
        RoleName = "tenant_acme",
        State = state,
    };
}
