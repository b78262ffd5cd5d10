using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Tests.Rollouts;

public sealed class RolloutAtScaleShould
{
    [Fact]
    public async Task MigrateThreeHundredTenantsLeavingExactlyTheOnesWhoseDataViolatesTheMigrationOnTheOldVersion()
    {
        await using var fixture = await RolloutFixture.StartAsync(("ControlPlane:Database:WorkConnections", "6"));
        // One tenant in ten has a display name too long for the new constraint on its seeded team.
        var slugs = await fixture.OnboardAsync("scale", 300, i => i % 10 == 3 ? new string('N', 50) : $"Tenant {i}");
        var violating = slugs.Where((_, i) => i % 10 == 3).ToHashSet();

        // The canary is chosen by label, as an operator would: tenants 0..19, two of them violating (10%, under the
        // threshold). A wave sized without a selector samples md5(slug) order, and 20 of 300 random slugs can hold
        // five of the violating ones, which would rightly halt the rollout.
        foreach (var canary in slugs.Take(20))
        {
            using var labelled = await fixture.Tenants.PatchLabelsAsync(canary, new Dictionary<string, string?> { ["ring"] = "canary" });
            labelled.EnsureSuccessStatusCode();
        }

        fixture.Migrations.Write("V0004__short_team_names.sql", "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);");

        var id = await fixture.Rollouts.StartOkAsync(new
        {
            maxParallel = 6,
            waves = new object[] { new { name = "canary", selector = "ring=canary" }, new { name = "rest" } },
            failureThreshold = 0.2,
            acceptLint = new[] { "add-constraint-without-not-valid" },
        });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(120));

        Assert.Equal(300, done.Totals.Total);
        Assert.Equal([20, 280], done.Waves.Select(w => w.Size));
        Assert.Equal(30, done.Totals.Failed);
        Assert.Equal(270, done.Totals.Succeeded);
        Assert.Equal(violating.Order(StringComparer.Ordinal), done.FailedTenants.Select(f => f.Slug).Order(StringComparer.Ordinal));
        var versions = (await fixture.Database.QueryAsync<string>(
            "SELECT slug || ':' || migration_version FROM controlplane.tenants WHERE slug LIKE $1", slugs[0][..^4] + "%"))
            .Select(v => v.Split(':')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(slugs, s => Assert.Equal(violating.Contains(s) ? 3 : 4, versions[s]));
        Assert.Equal(270, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4 AND status = 'Applied'"));
        Assert.Equal(30, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM controlplane.tenants WHERE state = 'Active' AND failed_step = 'Migrate' AND last_error LIKE '%23514%'"));
    }
}
