using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Rollouts;

/// <summary>
/// Rollouts that dispatch only inside maintenance windows, on real silos and PostgreSQL. Windows are whole minutes,
/// so the silo's wall clock is shifted (<see cref="ShiftedClock"/>) to stand a few seconds before an opening or a
/// closing; reminder periods are lowered to seconds as for scheduled rollouts.
/// </summary>
public sealed class MaintenanceWindowRolloutsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    [Fact]
    public async Task Wait_for_its_window_migrating_no_tenant_then_run_by_itself_when_it_opens()
    {
        var clock = new ShiftedClock();
        await using var fixture = await RolloutFixture.StartAsync(s => s.AddSingleton<TimeProvider>(clock), StartReminders.Quick);
        var slugs = await fixture.OnboardAsync("window", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var opens = clock.StandBeforeAMinute(TimeSpan.FromSeconds(6));

        using var started = await fixture.Rollouts.StartAsync(new { targetVersion = 4, windows = new[] { Window("*", opens, opens.AddMinutes(30)) } });
        var waiting = (await started.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!;
        var armed = await StartReminders.CountAsync(fixture.Database, waiting.Id);
        var migratedWhileWaiting = await MigratedAsync(fixture.Database);
        var done = await fixture.Rollouts.WaitForStateAsync(waiting.Id, RolloutState.Completed);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(RolloutState.WaitingForWindow, waiting.State);
        Assert.Equal(opens, waiting.NextRunAt);
        Assert.Equal(new MaintenanceWindowResponse("*", Hm(opens), Hm(opens.AddMinutes(30)), "UTC"), Assert.Single(waiting.Windows!));
        Assert.Equal(3, waiting.Totals.Pending);
        Assert.Equal(1, armed);
        Assert.Equal(0, migratedWhileWaiting);
        Assert.Equal(3, done.Totals.Succeeded);
        Assert.Null(done.NextRunAt);
        Assert.Equal(0, await MigratedBeforeAsync(fixture.Database, clock.Real(opens)));
        Assert.Equal(0, await StartReminders.CountAsync(fixture.Database, waiting.Id));
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task Stop_dispatching_when_its_window_closes_let_running_tenants_finish_and_carry_on_at_the_next_opening()
    {
        var clock = new ShiftedClock();
        await using var fixture = await RolloutFixture.StartAsync(s => s.AddSingleton<TimeProvider>(clock), StartReminders.Quick);
        await fixture.OnboardAsync("closing", 8);
        fixture.Migrations.Write("V0004__slow_owner.sql", "SELECT pg_sleep(1); " + AddOwner);
        var closes = clock.StandBeforeAMinute(TimeSpan.FromSeconds(6));
        var reopens = closes.AddMinutes(1);

        // Windows are whole minutes apart: the shortest gap is one minute, and this test waits it out.
        var id = await fixture.Rollouts.StartOkAsync(new
        {
            maxParallel = 1,
            windows = new[] { Window("*", closes.AddMinutes(-10), closes), Window("*", reopens, reopens.AddMinutes(30)) },
        });
        var waiting = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.WaitingForWindow, also: r => r.Totals.Running == 0);
        var migratedWhenDrained = await MigratedAsync(fixture.Database);
        await Eventually.HoldsAsync(
            () => fixture.Database.ScalarAsync<bool>("SELECT clock_timestamp() > $1", clock.Real(reopens).AddSeconds(-2)),
            $"the database's clock to come within two seconds of rollout {id}'s next window at {clock.Real(reopens):O}",
            TimeSpan.FromSeconds(90));
        var migratedJustBeforeReopening = await MigratedAsync(fixture.Database);
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(90));

        Assert.InRange(waiting.Totals.Succeeded, 1, 7);
        Assert.Equal(8 - waiting.Totals.Succeeded, waiting.Totals.Pending);
        Assert.Equal(reopens, waiting.NextRunAt);
        Assert.Equal(waiting.Totals.Succeeded, migratedWhenDrained);
        Assert.Equal(migratedWhenDrained, migratedJustBeforeReopening);
        Assert.Equal(8, done.Totals.Succeeded);
        Assert.Equal(migratedWhenDrained, await MigratedBeforeAsync(fixture.Database, clock.Real(reopens)));
    }

    [Fact]
    public async Task Start_at_its_window_on_a_fresh_silo_when_the_silo_that_armed_it_is_gone()
    {
        var clock = new ShiftedClock();
        await using var fixture = await RolloutFixture.StartAsync(s => s.AddSingleton<TimeProvider>(clock), StartReminders.Quick);
        var slugs = await fixture.OnboardAsync("restart", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var opens = clock.StandBeforeAMinute(TimeSpan.FromSeconds(20));
        var id = await fixture.Rollouts.StartOkAsync(new { windows = new[] { Window("*", opens, opens.AddMinutes(30)) } });

        await fixture.Silo.DisposeAsync();
        var stoppedAt = clock.GetUtcNow();
        var stateWhileNoSilo = await fixture.Database.ScalarAsync<string>("SELECT state FROM controlplane.rollouts WHERE id = $1", id);
        var settings = StartReminders.NextSiloSettings(fixture);
        await using var survivor = new SiloFactory(fixture.Database.ConnectionString, settings, s => s.AddSingleton<TimeProvider>(clock));
        using var client = survivor.CreateAdminClient();
        var done = await new RolloutsClient(client.Http).WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(90));

        Assert.True(stoppedAt < opens, $"the first silo stopped at {stoppedAt:O} (shifted clock), not before the window opened at {opens:O}");
        Assert.Equal("WaitingForWindow", stateWhileNoSilo);
        Assert.Equal(3, done.Totals.Succeeded);
        Assert.Equal(0, await MigratedBeforeAsync(fixture.Database, clock.Real(opens)));
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task Pause_resume_and_cancel_while_waiting_for_its_window()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        await fixture.OnboardAsync("steer", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var opens = Minute(DateTimeOffset.UtcNow.AddHours(3));
        var id = await fixture.Rollouts.StartOkAsync(new { windows = new[] { Window("*", opens, opens.AddHours(1)) } });

        using var pause = await fixture.Rollouts.ActAsync(id, "pause");
        var paused = (await pause.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!;
        using var resume = await fixture.Rollouts.ActAsync(id, "resume");
        var waitingAgain = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.WaitingForWindow);
        var armedAgain = await StartReminders.CountAsync(fixture.Database, id);
        using var cancel = await fixture.Rollouts.ActAsync(id, "cancel");
        var cancelled = (await cancel.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!;
        await Eventually.HoldsAsync(
            async () => await StartReminders.CountAsync(fixture.Database, id) == 0,
            $"rollout {id}'s reminder to leave orleans.reminders after cancel",
            TimeSpan.FromSeconds(30),
            async () => $"{await StartReminders.CountAsync(fixture.Database, id)} reminder row(s)");

        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.Equal(RolloutState.Paused, paused.State);
        Assert.Null(paused.NextRunAt);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Equal(opens, waitingAgain.NextRunAt);
        Assert.Equal(1, armedAgain);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(RolloutState.Cancelled, cancelled.State);
        Assert.Equal(0, await MigratedAsync(fixture.Database));
    }

    [Fact]
    public async Task Schedule_a_rollout_with_not_before_and_windows_for_the_first_opening_after_not_before()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        await fixture.OnboardAsync("combined", 1);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var notBefore = Minute(DateTimeOffset.UtcNow.AddHours(2));
        var opens = notBefore.AddHours(3);

        var id = await fixture.Rollouts.StartOkAsync(new
        {
            notBefore = notBefore.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            windows = new[] { Window("*", opens, opens.AddHours(1)) },
        });
        var scheduled = await fixture.Rollouts.GetAsync(id);
        using var cancel = await fixture.Rollouts.ActAsync(id, "cancel");

        Assert.Equal(RolloutState.Scheduled, scheduled.State);
        Assert.Equal(notBefore, scheduled.NotBefore);
        Assert.Equal(opens, scheduled.NextRunAt);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Refuse_bad_windows_naming_the_field()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        var good = new { days = "Mon-Fri", from = "01:00", to = "05:00", timeZone = "UTC" };

        using var days = await fixture.Rollouts.StartAsync(new { windows = new object[] { new { days = "Weekdays", from = "01:00", to = "05:00" } } });
        using var from = await fixture.Rollouts.StartAsync(new { windows = new object[] { good, new { days = "Sat", from = "1am", to = "05:00" } } });
        using var to = await fixture.Rollouts.StartAsync(new { windows = new object[] { new { from = "01:00", to = "25:00" } } });
        using var zone = await fixture.Rollouts.StartAsync(new { windows = new object[] { new { from = "01:00", to = "05:00", timeZone = "Europe/Atlantis" } } });
        using var tooMany = await fixture.Rollouts.StartAsync(new { windows = Enumerable.Repeat(good, MaintenanceWindows.Max + 1).ToArray() });

        var fields = new List<string>();
        foreach (var response in new[] { days, from, to, zone, tooMany })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            fields.Add(Assert.Single((await Problem.ReadAsync(response)).Errors!.Keys));
        }

        Assert.Equal(["windows[0].days", "windows[1].from", "windows[0].to", "windows[0].timeZone", "windows"], fields);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders"));
    }

    private static object Window(string days, DateTimeOffset from, DateTimeOffset to) => new { days, from = Hm(from), to = Hm(to), timeZone = "UTC" };

    private static string Hm(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static Task<long> MigratedAsync(TestDatabase database) =>
        database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4");

    /// <summary>Version-4 migrations applied before <paramref name="real"/> (the database's clock is the real one).</summary>
    private static Task<long> MigratedBeforeAsync(TestDatabase database, DateTimeOffset real) =>
        database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4 AND applied_at < $1", real);
}
