using System.Text.Json;
using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Cli;

/// <summary>
/// <c>controlplane rollout ...</c> run in-process against real rollouts. Each test has its own database: a rollout
/// spans every tenant of one, and only one may be open.
/// </summary>
public sealed class RolloutCommandsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    // Seeded team names carry the display name: a tenant onboarded with a long one violates this constraint.
    private const string ShortTeamNames = "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);";

    [Fact]
    public async Task StartWithWatchShowTheLiveBarAndExitZeroWhenCompleted()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("done", 4);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var cli = new InProcessCli(fixture.Silo) { Terminal = true };

        var result = await cli.RunAsync("rollout", "start", "--yes", "--target", "4", "--wave", "canary:1", "--wave", "rest", "--watch", "--timeout", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\x1b[", result.Out);
        Assert.Contains("started: version 4 to 4 tenant(s) in 2 wave(s) (canary 1, rest 3)", result.PlainOut);
        Assert.Contains("4/4 done (100%)", result.PlainOut);
        Assert.Contains("succeeded 4", result.PlainOut);
        Assert.Contains("to version 4 Completed: 4 succeeded, 0 failed, 0 skipped of 4", result.PlainOut);
        Assert.Equal(string.Empty, result.Error);
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task StartWithWatchExitWithTheHaltedCodeAndPrintTheReasonAndFailedTenantsThenRetryThemToCompletion()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("halt", 4, i => i == 0 ? new string('L', 60) : $"T{i}");
        fixture.Migrations.Write("V0004__short_team_names.sql", ShortTeamNames);
        var cli = new InProcessCli(fixture.Silo);

        var catalogue = await cli.RunAsync("migrations", "list");
        var halted = await cli.RunAsync("rollout", "start", "--yes", "--target", "4", "--failure-threshold", "0", "--accept-lint", "add-constraint-without-not-valid", "--watch", "--timeout", "120");
        var id = await OnlyRolloutIdAsync(cli);
        var second = await cli.RunAsync("rollouts", "start", "--yes", "--accept-lint", "add-constraint-without-not-valid");
        await fixture.Database.ExecuteAsync($"UPDATE tenant_{slugs[0]}.teams SET name = 'Short'");
        var retried = await cli.RunAsync("rollouts", "retry-failed", id, "--watch", "--timeout", "120");

        Assert.True(catalogue.ExitCode == 0, catalogue.ToString());
        Assert.Matches(@"\n\s+3\s+tags and versions\s+yes\s+4\s", catalogue.Out);
        Assert.Matches(@"\n\s+4\s+short team names\s+yes\s+0\s", catalogue.Out);
        Assert.Contains("Latest version: 4", catalogue.Out);
        Assert.True(halted.ExitCode == 10, halted.ToString());
        Assert.Contains($"error: rollout {id} to version 4 Halted: ", halted.Error);
        Assert.Contains("1 of 4 tenants failed", halted.Error);
        Assert.Contains(slugs[0], halted.Error);
        Assert.Contains("23514", halted.Error);
        Assert.Contains($"controlplane rollouts retry-failed {id} --watch", halted.Error);
        Assert.Contains("Halted", halted.Out);
        Assert.True(second.ExitCode == 6, second.ToString());
        Assert.Contains($"open rollout: {id}", second.Error);
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Contains($"Rollout {id} to version 4 Completed", retried.Out);
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task PauseCancelAndWatchARolloutWithTheirOwnExitCodes()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("steer", 6);
        fixture.Migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.3); " + AddOwner);
        var cli = new InProcessCli(fixture.Silo);

        var started = await cli.RunAsync("rollouts", "start", "--yes", "--max-parallel", "1", "--json");
        var id = JsonDocument.Parse(started.Out).RootElement.GetProperty("id").GetString()!;
        var paused = await cli.RunAsync("rollouts", "pause", id);
        var stillPaused = await cli.RunAsync("rollouts", "watch", id, "--timeout", "1s");
        var details = await cli.RunAsync("rollouts", "get", id);
        var cancelled = await cli.RunAsync("rollouts", "cancel", id);
        var watched = await cli.RunAsync("rollouts", "watch", id, "--timeout", "60");

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Contains($"Rollout {id} is Paused.", paused.Out);
        Assert.True(stillPaused.ExitCode == 13, stillPaused.ToString());
        Assert.Contains($"rollout {id} is still Paused", stillPaused.Error);
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("Paused", details.Out);
        Assert.Contains("total", details.Out);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Contains($"Rollout {id} is Cancelled.", cancelled.Out);
        Assert.True(watched.ExitCode == 11, watched.ToString());
        Assert.Contains($"rollout {id} was Cancelled", watched.Error);
    }

    [Fact]
    public async Task ScheduleARolloutWithNotBeforeShowItScheduledAndCancelIt()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("later", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var cli = new InProcessCli(fixture.Silo);
        var notBefore = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var started = await cli.RunAsync("rollout", "start", "--yes", "--not-before", notBefore);
        var id = await OnlyRolloutIdAsync(cli);
        var details = await cli.RunAsync("rollouts", "get", id);
        var paused = await cli.RunAsync("rollouts", "pause", id);
        var cancelled = await cli.RunAsync("rollouts", "cancel", id);
        var unparsable = await cli.RunAsync("rollout", "start", "--yes", "--not-before", "tomorrow");

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains($"Rollout {id} scheduled for ", started.PlainOut);
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("Scheduled", details.Out);
        Assert.Contains("Not before", details.Out);
        Assert.True(paused.ExitCode == 6, paused.ToString());
        Assert.Contains("has not started", paused.Error);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Contains($"Rollout {id} is Cancelled.", cancelled.Out);
        Assert.True(unparsable.ExitCode == 7, unparsable.ToString());
        Assert.Contains("notBefore", unparsable.Error);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders"));
    }

    [Fact]
    public async Task Start_with_lock_and_statement_timeouts_show_them_and_refuse_a_bad_one_naming_the_field()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("cli_lock", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var cli = new InProcessCli(fixture.Silo);

        var started = await cli.RunAsync("rollout", "start", "--yes", "--lock-timeout", "750ms", "--statement-timeout", "PT2M");
        var id = await OnlyRolloutIdAsync(cli);
        var details = await cli.RunAsync("rollouts", "get", id);
        var unparsable = await cli.RunAsync("rollout", "start", "--yes", "--lock-timeout", "fast");

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("750 ms / 120000 ms", details.PlainOut);
        Assert.True(unparsable.ExitCode == 7, unparsable.ToString());
        Assert.Contains("lockTimeout", unparsable.Error);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts WHERE lock_timeout = interval '750 ms' AND statement_timeout = interval '2 min'"));
    }

    [Fact]
    public async Task Start_a_rollout_with_a_window_and_show_it_waiting_with_its_next_run()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("windowcli", 1);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var cli = new InProcessCli(fixture.Silo);
        var opens = DateTimeOffset.UtcNow.AddHours(3);
        var window = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"* {opens:HH}:00-{opens.AddHours(1):HH}:00 UTC");

        var started = await cli.RunAsync("rollout", "start", "--yes", "--window", window);
        var id = await OnlyRolloutIdAsync(cli);
        var details = await cli.RunAsync("rollouts", "get", id);
        var cancelled = await cli.RunAsync("rollouts", "cancel", id);
        var malformed = await cli.RunAsync("rollout", "start", "--yes", "--window", "weekdays at night");

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Contains($"Rollout {id} waiting for its window (next run ", started.PlainOut);
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("WaitingForWindow", details.Out);
        Assert.Contains("Next run", details.Out);
        Assert.Contains(window, details.Out);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.NotEqual(0, malformed.ExitCode);
        Assert.Contains("is not a window", malformed.Error);
    }

    private static async Task<string> OnlyRolloutIdAsync(InProcessCli cli)
    {
        var list = await cli.RunAsync("rollouts", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        return JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Single().GetProperty("id").GetString()!;
    }
}
