using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed partial class TenantStateMachineShould
{
    [Theory]
    [InlineData(ProvisioningStep.CreateSchema, TenantStatus.Requested, TenantStatus.SchemaCreated)]
    [InlineData(ProvisioningStep.Migrate, TenantStatus.SchemaCreated, TenantStatus.Migrated)]
    [InlineData(ProvisioningStep.Seed, TenantStatus.Migrated, TenantStatus.Seeded)]
    [InlineData(ProvisioningStep.Activate, TenantStatus.Seeded, TenantStatus.Active)]
    [InlineData(ProvisioningStep.Deprovision, TenantStatus.Deprovisioning, TenantStatus.Deleted)]
    public void MoveEachStepFromItsStateToTheNext(ProvisioningStep step, TenantStatus from, TenantStatus to)
    {
        Assert.Equal(from, TenantStateMachine.From(step));
        Assert.Equal(to, TenantStateMachine.To(step));
    }

    [Fact]
    public void RegisterANewTenantInRequested() =>
        Assert.Equal(TenantStatus.Requested, TenantStateMachine.Initial);

    [Theory]
    [InlineData(TenantStatus.Failed, TenantAction.Retry, true)]
    [InlineData(TenantStatus.Active, TenantAction.Retry, false)]
    [InlineData(TenantStatus.Active, TenantAction.Suspend, true)]
    [InlineData(TenantStatus.Requested, TenantAction.Suspend, false)]
    [InlineData(TenantStatus.Suspended, TenantAction.Resume, true)]
    [InlineData(TenantStatus.Failed, TenantAction.Resume, false)]
    [InlineData(TenantStatus.Failed, TenantAction.Delete, true)]
    [InlineData(TenantStatus.SchemaCreated, TenantAction.Delete, true)]
    [InlineData(TenantStatus.Deleted, TenantAction.Delete, false)]
    [InlineData(TenantStatus.Retained, TenantAction.Resume, true)]
    [InlineData(TenantStatus.Retained, TenantAction.Delete, true)]
    [InlineData(TenantStatus.Active, TenantAction.Retain, true)]
    [InlineData(TenantStatus.Suspended, TenantAction.Retain, true)]
    [InlineData(TenantStatus.Failed, TenantAction.Retain, false)]
    [InlineData(TenantStatus.Seeded, TenantAction.Retain, false)]
    [InlineData(TenantStatus.Deleted, TenantAction.Retain, false)]
    public void AllowOperatorActionsOnlyFromTheirStates(TenantStatus state, TenantAction action, bool allowed) =>
        Assert.Equal(allowed, TenantStateMachine.Allows(state, action));

    [Theory]
    [InlineData(TenantStatus.Suspended, TenantAction.Suspend)]
    [InlineData(TenantStatus.Active, TenantAction.Resume)]
    [InlineData(TenantStatus.Deprovisioning, TenantAction.Delete)]
    [InlineData(TenantStatus.Deleted, TenantAction.Delete)]
    [InlineData(TenantStatus.Retained, TenantAction.Retain)]
    public void TreatAnActionAsDoneWhenTheTenantIsAlreadyWhereItLeads(TenantStatus state, TenantAction action)
    {
        Assert.True(TenantStateMachine.AlreadyThere(state, action));
        Assert.False(TenantStateMachine.Allows(state, action));
    }

    [Theory]
    [InlineData(TenantAction.Retry)]
    [InlineData(TenantAction.Suspend)]
    [InlineData(TenantAction.Resume)]
    [InlineData(TenantAction.Delete)]
    [InlineData(TenantAction.Retain)]
    public void NeverTreatAnActionAsDoneFromAStateItIsAllowedFrom(TenantAction action)
    {
        var both = Enum.GetValues<TenantStatus>().Where(s => TenantStateMachine.Allows(s, action) && TenantStateMachine.AlreadyThere(s, action));

        Assert.Empty(both);
    }

    [Theory]
    [InlineData(TenantAction.Retry, TenantStatus.Failed)]
    [InlineData(TenantAction.Suspend, TenantStatus.Suspended)]
    [InlineData(TenantAction.Resume, TenantStatus.Active)]
    [InlineData(TenantAction.Delete, TenantStatus.Deprovisioning)]
    [InlineData(TenantAction.Retain, TenantStatus.Retained)]
    public void LeadEachActionToItsState(TenantAction action, TenantStatus to) =>
        Assert.Equal(to, TenantStateMachine.LeadsTo(action));

    [Fact]
    public void AllowDeleteFromEveryStateButDeletedOrBeingDeleted()
    {
        var allowed = Enum.GetValues<TenantStatus>().Where(s => TenantStateMachine.Allows(s, TenantAction.Delete));

        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active, TenantStatus.Failed, TenantStatus.Suspended, TenantStatus.Retained],
            allowed);
    }

    [Fact]
    public void ServeDataOnlyWhenActive()
    {
        var serving = Enum.GetValues<TenantStatus>().Where(TenantStateMachine.Serves);

        Assert.Equal([TenantStatus.Active], serving);
    }

    [Fact]
    public void CountOnlyDeprovisioningAndDeletedAsGone()
    {
        var gone = Enum.GetValues<TenantStatus>().Where(TenantStateMachine.IsGone);

        Assert.Equal([TenantStatus.Deprovisioning, TenantStatus.Deleted], gone);
    }

    [Fact]
    public void SkipFailedGoneAndRetainedTenantsInARollout()
    {
        var skipped = Enum.GetValues<TenantStatus>().Where(TenantStateMachine.RolloutSkips);

        Assert.Equal([TenantStatus.Failed, TenantStatus.Deprovisioning, TenantStatus.Deleted, TenantStatus.Retained], skipped);
    }

    [Fact]
    public void Keep_a_retained_tenant_not_serving_not_gone_awaiting_its_purge_and_with_no_work_of_its_own()
    {
        var row = new ControlPlane.Grains.Registry.TenantRow
        {
            Slug = "acme", DisplayName = "Acme", SchemaName = "tenant_acme", RoleName = "tenant_acme",
            State = TenantStatus.Retained, MigrationVersion = 3, PurgeAt = DateTimeOffset.UtcNow,
        };

        Assert.False(TenantStateMachine.Serves(TenantStatus.Retained));
        Assert.False(TenantStateMachine.IsGone(TenantStatus.Retained));
        Assert.Equal([TenantStatus.Retained], Enum.GetValues<TenantStatus>().Where(TenantStateMachine.AwaitsPurge));
        Assert.Equal(WorkUnit.None, TenantStateMachine.NextWork(row, due: true, upgradeTarget: 9));
    }

    [Fact]
    public void NameTheTenantAndBothStatesWhenRefusing()
    {
        var error = Assert.Throws<InvalidTenantTransitionException>(() => TenantStateMachine.Ensure("acme", TenantStatus.Deleted, TenantAction.Resume));

        Assert.Equal("Tenant 'acme' is Deleted; it cannot resume from that state.", error.Message);
    }

    [Fact]
    public void RefuseAStepRunFromTheWrongState()
    {
        var error = Assert.Throws<InvalidTenantTransitionException>(() => TenantStateMachine.EnsureStep("acme", TenantStatus.Requested, ProvisioningStep.Seed));

        Assert.Equal("Tenant 'acme' is Requested; it cannot run step Seed (it starts from Migrated) from that state.", error.Message);
    }

    [Theory]
    [InlineData(TenantStatus.SchemaCreated)]
    [InlineData(TenantStatus.Active)]
    [InlineData(TenantStatus.Suspended)]
    public void RunMigrateFromItsStateOrInPlaceForAnUpgrade(TenantStatus state)
    {
        var error = Record.Exception(() => TenantStateMachine.EnsureStep("acme", state, ProvisioningStep.Migrate));

        Assert.Null(error);
    }

    [Theory]
    [InlineData(TenantStatus.Migrated, ProvisioningStep.Migrate, "run step Migrate (it starts from SchemaCreated)")]
    [InlineData(TenantStatus.Failed, ProvisioningStep.Migrate, "run step Migrate (it starts from SchemaCreated)")]
    [InlineData(TenantStatus.Active, ProvisioningStep.Seed, "run step Seed (it starts from Migrated)")]
    [InlineData(TenantStatus.Suspended, ProvisioningStep.Activate, "run step Activate (it starts from Seeded)")]
    public void RefuseEveryOtherStepInPlace(TenantStatus state, ProvisioningStep step, string refused)
    {
        var error = Assert.Throws<InvalidTenantTransitionException>(() => TenantStateMachine.EnsureStep("acme", state, step));

        Assert.Equal(state, error.Current);
        Assert.Equal(refused, error.Requested);
    }
}
