using System.Net;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Rollouts;

public sealed class LabelWavesShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    [Fact]
    public async Task Put_exactly_the_matching_tenants_in_each_selector_wave_and_the_rest_in_the_last()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("sel", 8);
        var labels = new Dictionary<string, string?>[]
        {
            new() { ["plan"] = "free", ["region"] = "eu" }, new() { ["plan"] = "free", ["region"] = "eu" }, new() { ["plan"] = "free", ["region"] = "eu" },
            new() { ["plan"] = "free", ["region"] = "us" }, new() { ["plan"] = "free" },
            new() { ["plan"] = "enterprise", ["region"] = "eu" }, new(), new(),
        };
        for (var i = 0; i < slugs.Length; i++)
        {
            await fixture.Tenants.LabelOkAsync(slugs[i], labels[i]);
        }

        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var id = await fixture.Rollouts.StartOkAsync(new
        {
            waves = new object[]
            {
                new { name = "free-eu", selector = "plan=free,region=eu" },
                new { name = "free-elsewhere", selector = "plan==free, region notin (eu)" },
                new { name = "one-more", tenants = 1 },
                new { name = "rest" },
            },
        });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        var byWave = await WavesAsync(fixture, id);

        Assert.Equal(slugs[..3], byWave[0]);
        Assert.Equal(slugs[3..5], byWave[1]);
        Assert.Single(byWave[2]);
        Assert.Equal(slugs[5..].Order(StringComparer.Ordinal), byWave[2].Concat(byWave[3]).Order(StringComparer.Ordinal));
        Assert.Equal(["plan=free,region=eu", "plan=free,region notin (eu)", null, null], done.Waves.Select(w => w.Selector));
        Assert.Equal([3, 2, 1, 2], done.Waves.Select(w => w.Size));
        Assert.Equal(8, done.Totals.Succeeded);
    }

    [Fact]
    public async Task Cap_a_selector_wave_at_its_size_in_the_rollouts_order()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("cap", 4);
        foreach (var slug in slugs)
        {
            await fixture.Tenants.LabelOkAsync(slug, new Dictionary<string, string?> { ["plan"] = "free" });
        }

        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var plan = await fixture.Rollouts.PlanOkAsync(new { waves = new object[] { new { name = "two-free", selector = "plan", tenants = 2 }, new { name = "rest" } } });

        Assert.Equal([2, 2], plan.Waves.Select(w => w.Tenants));
        Assert.Equal(2, plan.Waves[0].RequestedTenants);
        Assert.Equal("plan", plan.Waves[0].Selector);
    }

    [Theory]
    [InlineData("plan in (free", "waves[0].selector")]
    [InlineData("Plan=free", "waves[0].selector")]
    [InlineData("plan=free;region=eu", "waves[0].selector")]
    [InlineData("", "waves[0].selector")]
    public async Task Refuse_a_bad_selector_naming_the_wave_and_write_nothing(string selector, string field)
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var body = new { waves = new object[] { new { name = "bad", selector }, new { name = "rest" } } };

        using var started = await fixture.Rollouts.StartAsync(body);
        using var planned = await fixture.Rollouts.PlanAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, started.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, planned.StatusCode);
        var startProblem = await Problem.ReadAsync(started);
        var planProblem = await Problem.ReadAsync(planned);
        Assert.Contains(field, startProblem.Errors!.Keys);
        Assert.Equal(startProblem.Errors[field], planProblem.Errors![field]);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task Refuse_a_wave_before_the_last_with_neither_size_nor_selector()
    {
        await using var fixture = await RolloutFixture.StartAsync();

        using var response = await fixture.Rollouts.PlanAsync(new { waves = new object[] { new { name = "first" }, new { name = "rest" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("a size or a selector", Assert.Single((await Problem.ReadAsync(response)).Errors!["waves[0].tenants"]), StringComparison.Ordinal);
    }

    private static async Task<List<string>[]> WavesAsync(RolloutFixture fixture, string id)
    {
        var waves = new List<string>[4];
        for (var wave = 0; wave < waves.Length; wave++)
        {
            waves[wave] = await fixture.Database.QueryAsync<string>(
                "SELECT slug FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND wave = $2 ORDER BY slug", id, wave);
        }

        return waves;
    }
}
