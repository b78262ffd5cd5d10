using System.Net;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Rollouts;

public sealed class RolloutPlanShould
{
    [Fact]
    public async Task Show_waves_migrations_by_starting_version_and_skips_and_write_nothing()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var older = await fixture.OnboardAsync("old", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");
        var newer = await fixture.OnboardAsync("new", 2);
        fixture.Migrations.Write("V0005__add_component_notes.sql", "ALTER TABLE components ADD COLUMN notes text;");
        await fixture.Tenants.LabelOkAsync(older[0], new Dictionary<string, string?> { ["plan"] = "free" });
        await fixture.Tenants.LabelOkAsync(newer[0], new Dictionary<string, string?> { ["plan"] = "free" });
        var etags = await EtagsAsync(fixture);
        var body = new { waves = new object[] { new { name = "free", selector = "plan=free" }, new { name = "rest" } } };

        var plan = await fixture.Rollouts.PlanOkAsync(body);
        var toFour = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4 });
        var one = await fixture.Rollouts.PlanOkAsync(body, tenant: older[1]);

        Assert.Equal(5, plan.TargetVersion);
        Assert.Equal(4, plan.Pending);
        Assert.Equal(["free", "rest"], plan.Waves.Select(w => w.Name));
        Assert.Equal("plan=free", plan.Waves[0].Selector);
        Assert.Equal(new[] { older[0], newer[0] }.Order(StringComparer.Ordinal), plan.Waves[0].FirstTenants.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { older[1], newer[1] }.Order(StringComparer.Ordinal), plan.Waves[1].FirstTenants.Order(StringComparer.Ordinal));
        var migrations = plan.Waves[0].Migrations;
        Assert.Equal([3, 4], migrations.Select(m => m.FromVersion));
        Assert.Equal([4, 5], migrations[0].Versions);
        Assert.Equal([5], migrations[1].Versions);
        Assert.Equal([1, 1], migrations.Select(m => m.Tenants));
        Assert.Empty(plan.Skipped);
        Assert.Empty(plan.Drift);
        Assert.Empty(plan.Lint);

        var skip = Assert.Single(toFour.Skipped);
        Assert.Equal("already at V4", skip.Reason);
        Assert.Equal(2, skip.Tenants);
        Assert.Equal(newer.Order(StringComparer.Ordinal), skip.FirstTenants.Order(StringComparer.Ordinal));
        Assert.Equal(2, toFour.Pending);

        Assert.Equal("rest", one.Tenant!.Wave);
        Assert.Equal("Pending", one.Tenant.Status);
        Assert.Equal([4, 5], one.Tenant.Versions);

        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollout_tenants"));
        Assert.Equal(etags, await EtagsAsync(fixture));
        Assert.Equal(3, await fixture.VersionAsync(older[0]));
    }

    [Fact]
    public async Task Report_drift_in_the_plan_where_a_start_refuses_it()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("drift", 2);
        fixture.Migrations.Append("V0002__components_and_environments.sql", "\n-- edited after it was applied\n");

        var plan = await fixture.Rollouts.PlanOkAsync(new { });
        using var start = await fixture.Rollouts.StartAsync(new { });

        Assert.Equal(2, plan.DriftCount);
        Assert.All(plan.Drift, d => Assert.Contains("V0002 changed after it was applied", d, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
    }

    [Fact]
    public async Task Answer_404_for_a_tenant_the_plan_does_not_hold()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("one", 1);

        using var response = await fixture.Rollouts.PlanAsync(new { }, tenant: "nobody_here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<List<long>> EtagsAsync(RolloutFixture fixture) =>
        fixture.Database.QueryAsync<long>("SELECT etag FROM controlplane.tenants ORDER BY slug");
}
