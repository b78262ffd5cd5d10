using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Copies;

namespace ControlPlane.Tests.Domain;

public sealed partial class TenantStateMachineShould
{
    [Theory]
    [InlineData(TenantCopyKind.Clone, "acme")]
    [InlineData(TenantCopyKind.Import, "public")]
    public void Copy_instead_of_seeding_a_tenant_with_a_copy_source(TenantCopyKind kind, string name)
    {
        var copying = Row(TenantStatus.Migrated) with { CopyFrom = new TenantCopySource(kind, name) };

        Assert.Equal(WorkUnit.Copy, TenantStateMachine.NextWork(copying, due: true));
        Assert.Equal(WorkUnit.CreateSchema, TenantStateMachine.NextWork(copying with { State = TenantStatus.Requested }, due: true));
        Assert.Equal(WorkUnit.Activate, TenantStateMachine.NextWork(copying with { State = TenantStatus.Seeded }, due: true));
    }

    [Fact]
    public void Return_a_failed_copy_to_Migrated_and_lead_it_to_Seeded()
    {
        Assert.Equal(TenantStatus.Migrated, TenantStateMachine.From(ProvisioningStep.Copy));
        Assert.Equal(TenantStatus.Seeded, TenantStateMachine.To(ProvisioningStep.Copy));
        Assert.Equal(ProvisioningStep.Copy, TenantStateMachine.StepOf(WorkUnit.Copy));
    }

    [Fact]
    public void Register_an_adopted_schema_where_only_Activate_remains() =>
        Assert.Equal(WorkUnit.Activate, TenantStateMachine.NextWork(Row(TenantStateMachine.Adopted), due: true));
}
