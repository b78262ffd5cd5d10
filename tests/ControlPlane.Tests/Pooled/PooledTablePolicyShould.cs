using ControlPlane.Grains.Pooled;
using ControlPlane.Registry.Contracts.Pooled;

namespace ControlPlane.Tests.Pooled;

/// <summary>The readiness rule enforcement is refused by (no database: the rule alone).</summary>
public sealed class PooledTablePolicyShould
{
    [Fact]
    public void Call_a_table_with_tenant_id_and_a_leading_index_ready_even_before_its_policy_is_put_on()
    {
        var table = new PooledTablePolicy("notes", HasTenantId: true, PolicyPresent: false, RowSecurityEnabled: false, Forced: false, TenantIndex: true);

        Assert.Empty(table.NotReadyBecause);
        Assert.False(table.Matches(PooledPolicyMode.Enforced));
        Assert.True(table.Matches(PooledPolicyMode.Shadow));
    }

    [Fact]
    public void Name_every_reason_a_table_without_tenant_id_cannot_be_enforced()
    {
        var table = new PooledTablePolicy("plain", HasTenantId: false, PolicyPresent: false, RowSecurityEnabled: true, Forced: true, TenantIndex: false);
        var report = new PooledPolicyReport("pooled", 3, PooledPolicyMode.Shadow, [table, new PooledTablePolicy("ok", true, true, false, false, true)]);

        Assert.Equal(
            ["no tenant_id column", "no isolation policy (none can be put on a table without tenant_id)", "no index leading with tenant_id"],
            table.NotReadyBecause);
        Assert.Equal(["plain"], report.NotReady.Select(t => t.Table));
        Assert.False(table.Matches(PooledPolicyMode.Enforced));
        Assert.False(table.Matches(PooledPolicyMode.Shadow));
    }
}
