using System.Net;
using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Retention;

public sealed class RetainedRolloutShould
{
    [Fact]
    public async Task Skip_a_retained_tenant_in_a_rollout_plan_and_say_why()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var tenants = await fixture.OnboardAsync("retro", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");
        using var retained = await fixture.Tenants.Http.DeleteAsync($"/v1/tenants/{tenants[0]}?retainFor=P1D");
        Assert.True(retained.StatusCode == HttpStatusCode.OK, await retained.Content.ReadAsStringAsync());

        var plan = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4 });

        var skip = Assert.Single(plan.Skipped);
        Assert.StartsWith("retained until its purge", skip.Reason, StringComparison.Ordinal);
        Assert.Equal([tenants[0]], skip.FirstTenants);
        Assert.Equal(1, plan.Pending);
    }
}
