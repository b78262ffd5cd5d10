using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed partial class TenantStateMachineShould
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
        Assert.Equal(expected, TenantStateMachine.NextWork(Row(state), due: true));

    [Fact]
    public void ResumeAFailedTenantOnlyWhenItsRetryIsDue()
    {
        var failed = Row(TenantStatus.Failed) with { FailedStep = ProvisioningStep.Seed };

        Assert.Equal(WorkUnit.Resume, TenantStateMachine.NextWork(failed, due: true));
        Assert.Equal(WorkUnit.None, TenantStateMachine.NextWork(failed, due: false));
    }

    [Theory]
    [InlineData(TenantStatus.Active)]
    [InlineData(TenantStatus.Suspended)]
    public void UpgradeAServingTenantOnlyWhileARolloutAsksForAVersionAboveItsOwn(TenantStatus state)
    {
        var tenant = Row(state) with { MigrationVersion = 3 };

        Assert.Equal(WorkUnit.Migrate, TenantStateMachine.NextWork(tenant, due: false, upgradeTarget: 4));
        Assert.Equal(WorkUnit.None, TenantStateMachine.NextWork(tenant, due: true, upgradeTarget: null));
        Assert.Equal(WorkUnit.None, TenantStateMachine.NextWork(tenant with { MigrationVersion = 4 }, due: false, upgradeTarget: 4));
    }

    [Fact]
    public void WaitForTheRetryTimeOnlyInFailed()
    {
        var waiting = Enum.GetValues<TenantStatus>().Where(TenantStateMachine.WaitsForRetry);

        Assert.Equal([TenantStatus.Failed], waiting);
    }

    [Fact]
    public void LeaveAFailedTenantWithoutARecordedStepAlone() =>
        Assert.Equal(WorkUnit.None, TenantStateMachine.NextWork(Row(TenantStatus.Failed), due: true));

    [Fact]
    public void FinishProvisioningBeforeAnyUpgrade() =>
        Assert.Equal(WorkUnit.Seed, TenantStateMachine.NextWork(Row(TenantStatus.Migrated), due: true, upgradeTarget: 9));

    [Theory]
    [InlineData(TenantStatus.Failed, WorkUnit.None)]
    [InlineData(TenantStatus.Deprovisioning, WorkUnit.Deprovision)]
    [InlineData(TenantStatus.Deleted, WorkUnit.None)]
    public void IgnoreAnUpgradeTargetOutsideTheServingStates(TenantStatus state, WorkUnit expected)
    {
        var tenant = Row(state) with { MigrationVersion = 3, FailedStep = ProvisioningStep.Seed };

        Assert.Equal(expected, TenantStateMachine.NextWork(tenant, due: false, upgradeTarget: 4));
    }

    [Theory]
    [InlineData(TenantStatus.Requested, TenantStatus.Failed)]
    [InlineData(TenantStatus.SchemaCreated, TenantStatus.Failed)]
    [InlineData(TenantStatus.Seeded, TenantStatus.Failed)]
    [InlineData(TenantStatus.Deprovisioning, TenantStatus.Failed)]
    [InlineData(TenantStatus.Active, TenantStatus.Active)]
    [InlineData(TenantStatus.Suspended, TenantStatus.Suspended)]
    public void StopAFailedStepInFailedButLeaveAFailedUpgradeServing(TenantStatus state, TenantStatus after) =>
        Assert.Equal(after, TenantStateMachine.AfterFailure(state));

    [Fact]
    public void EndProvisioningWhenAUnitReachesActiveFromAProvisioningStateOnly()
    {
        Assert.True(TenantStateMachine.EndsProvisioning(TenantStatus.Seeded, TenantStatus.Active));
        Assert.True(TenantStateMachine.EndsProvisioning(TenantStatus.Requested, TenantStatus.Active));
        Assert.False(TenantStateMachine.EndsProvisioning(TenantStatus.Suspended, TenantStatus.Active));
        Assert.False(TenantStateMachine.EndsProvisioning(TenantStatus.Active, TenantStatus.Active));
        Assert.False(TenantStateMachine.EndsProvisioning(TenantStatus.Requested, TenantStatus.SchemaCreated));
    }

    [Theory]
    [InlineData(WorkUnit.CreateSchema, ProvisioningStep.CreateSchema)]
    [InlineData(WorkUnit.Migrate, ProvisioningStep.Migrate)]
    [InlineData(WorkUnit.Seed, ProvisioningStep.Seed)]
    [InlineData(WorkUnit.Activate, ProvisioningStep.Activate)]
    [InlineData(WorkUnit.Deprovision, ProvisioningStep.Deprovision)]
    [InlineData(WorkUnit.Resume, null)]
    [InlineData(WorkUnit.None, null)]
    public void NameTheStepEachUnitPerforms(WorkUnit unit, ProvisioningStep? step) =>
        Assert.Equal(step, TenantStateMachine.StepOf(unit));

    private static TenantRow Row(TenantStatus state) => new()
    {
        Slug = "acme",
        DisplayName = "Acme",
        SchemaName = "tenant_acme",
        RoleName = "tenant_acme",
        State = state,
    };
}
