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

    [Fact]
    public void UpgradeAnActiveTenantOnlyWhileATargetAboveItsVersionIsDue()
    {
        var behind = Row(TenantStatus.Active) with { MigrationVersion = 3, TargetVersion = 4 };

        Assert.Equal(WorkUnit.Migrate, WorkPlan.Next(behind, due: true));
        Assert.Equal(WorkUnit.None, WorkPlan.Next(behind, due: false));
        Assert.Equal(WorkUnit.None, WorkPlan.Next(behind with { MigrationVersion = 4 }, due: true));
    }

    private static TenantRow Row(TenantStatus state) => new()
    {
        Slug = "acme",
        DisplayName = "Acme",
        SchemaName = "tenant_acme",
        RoleName = "tenant_acme",
        State = state,
    };
}
