using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane tenants label</c>, <c>--label</c>, <c>rollout plan</c> and the confirmation of <c>rollout start</c>, in-process against a real silo.</summary>
public sealed class LabelAndPlanCommandsShould
{
    [Fact]
    public async Task Label_tenants_on_create_and_after_and_list_them_by_label()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var cli = new InProcessCli(fixture.Silo);
        var slug = Harness.TestSlugs.New("cli");
        var other = Harness.TestSlugs.New("cli");

        var created = await cli.RunAsync("tenants", "create", slug, "--name", "Cli Ltd", "--label", "plan=free", "--label", "region=eu");
        var createdOther = await cli.RunAsync("tenants", "create", other, "--name", "Other Ltd", "--label", "plan=enterprise");
        var labelled = await cli.RunAsync("tenants", "label", slug, "tier=gold", "region-");
        var listed = await cli.RunAsync("tenants", "list", "--label", "plan=free");
        var shown = await cli.RunAsync("tenants", "get", slug);
        var bad = await cli.RunAsync("tenants", "label", slug, "Tier=gold");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(createdOther.ExitCode == 0, createdOther.ToString());
        Assert.True(labelled.ExitCode == 0, labelled.ToString());
        Assert.Contains("labels: plan=free,tier=gold", labelled.PlainOut);
        Assert.Contains(slug, listed.PlainOut);
        Assert.DoesNotContain(other, listed.PlainOut);
        Assert.Contains("1 tenant(s)", listed.PlainOut);
        Assert.Contains("plan=free,tier=gold", shown.PlainOut);
        Assert.Equal(7, bad.ExitCode);
        Assert.Contains("labels.Tier", bad.Error);
    }

    [Fact]
    public async Task Plan_print_the_waves_and_migrations_and_start_nothing()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("plan", 3);
        await fixture.Tenants.LabelOkAsync(slugs[0], new Dictionary<string, string?> { ["plan"] = "free" });
        fixture.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");
        var cli = new InProcessCli(fixture.Silo);

        var plan = await cli.RunAsync("rollout", "plan", "--wave", "free:plan=free", "--wave", "rest", "--tenant", slugs[0]);

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("version 4, 3 of 3 tenant(s) to migrate", plan.PlainOut);
        Assert.Contains("plan=free", plan.PlainOut);
        Assert.Contains("from V3: V4 (1)", plan.PlainOut);
        Assert.Contains("from V3: V4 (2)", plan.PlainOut);
        Assert.Contains($"Tenant {slugs[0]}: wave free, Pending, from V3: receives V4", plan.PlainOut);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task Start_refuse_without_yes_when_stdin_is_not_a_terminal_and_start_with_yes()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("yes", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");
        var cli = new InProcessCli(fixture.Silo);

        var refused = await cli.RunAsync("rollout", "start", "--wave", "one:1", "--wave", "rest");
        var rolloutsAfterRefusal = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts");
        var started = await cli.RunAsync("rollout", "start", "--yes", "--wave", "one:1", "--wave", "rest", "--watch", "--timeout", "120");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("stdin is not a terminal. Pass --yes", refused.Error);
        Assert.Contains("2 of 2 tenant(s) to migrate", refused.PlainOut);
        Assert.Equal(0, rolloutsAfterRefusal);
        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains("2 of 2 tenant(s) to migrate", started.PlainOut);
        Assert.Contains("started: version 4 to 2 tenant(s) in 2 wave(s) (one 1, rest 1)", started.PlainOut);
        Assert.Equal(nameof(RolloutState.Completed), await fixture.Database.ScalarAsync<string>("SELECT state FROM controlplane.rollouts"));
    }
}
