using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed class TenantTransitionsShould
{
    [Theory]
    [InlineData(ProvisioningStep.CreateSchema, TenantStatus.Requested, TenantStatus.SchemaCreated)]
    [InlineData(ProvisioningStep.Migrate, TenantStatus.SchemaCreated, TenantStatus.Migrated)]
    [InlineData(ProvisioningStep.Seed, TenantStatus.Migrated, TenantStatus.Seeded)]
    [InlineData(ProvisioningStep.Activate, TenantStatus.Seeded, TenantStatus.Active)]
    [InlineData(ProvisioningStep.Deprovision, TenantStatus.Deprovisioning, TenantStatus.Deleted)]
    public void MoveEachStepFromItsStateToTheNext(ProvisioningStep step, TenantStatus from, TenantStatus to)
    {
        Assert.Equal(from, TenantTransitions.From(step));
        Assert.Equal(to, TenantTransitions.To(step));
    }

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
    public void AllowOperatorActionsOnlyFromTheirStates(TenantStatus state, TenantAction action, bool allowed) =>
        Assert.Equal(allowed, TenantTransitions.Allows(state, action));

    [Fact]
    public void NameTheTenantAndBothStatesWhenRefusing()
    {
        var error = Assert.Throws<InvalidTenantTransitionException>(() => TenantTransitions.Ensure("acme", TenantStatus.Deleted, TenantAction.Resume));

        Assert.Equal("Tenant 'acme' is Deleted; it cannot resume from that state.", error.Message);
    }

    [Fact]
    public void RefuseAStepRunFromTheWrongState()
    {
        var error = Assert.Throws<InvalidTenantTransitionException>(() => TenantTransitions.EnsureStep("acme", TenantStatus.Requested, ProvisioningStep.Seed));

        Assert.Contains("it starts from Migrated", error.Message);
    }
}
