using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Rollouts;

/// <summary>
/// Rollouts that start later (<c>notBefore</c>): a Scheduled record and an Orleans reminder on the rollout's grain,
/// on real silos and PostgreSQL. The silos lower Orleans' one-minute reminder floor so a schedule plays out in seconds.
/// </summary>
public sealed class ScheduledRolloutsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    [Fact]
    public async Task WaitAsScheduledUntilNotBeforeThenCompleteByItself()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        var slugs = await fixture.OnboardAsync("later", 4);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var notBefore = Milliseconds(DateTimeOffset.UtcNow.AddSeconds(6));

        using var started = await fixture.Rollouts.StartAsync(new { targetVersion = 4, notBefore = Iso(notBefore) });
        var scheduled = (await started.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!;
        using var second = await fixture.Rollouts.StartAsync(new { });
        var done = await fixture.Rollouts.WaitForStateAsync(scheduled.Id, RolloutState.Completed);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(RolloutState.Scheduled, scheduled.State);
        Assert.Equal(notBefore, scheduled.NotBefore);
        Assert.Equal(4, scheduled.Totals.Pending);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(scheduled.Id, await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(4, done.Totals.Succeeded);
        Assert.Equal(notBefore, done.NotBefore);
        Assert.Equal(0, await MigratedBeforeNotBeforeAsync(fixture.Database, scheduled.Id));
        Assert.Equal(0, await StartReminders.CountAsync(fixture.Database, scheduled.Id));
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task StartOnAnotherSiloWhenTheSiloThatScheduledItIsGone()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        var slugs = await fixture.OnboardAsync("failover", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var notBefore = Milliseconds(DateTimeOffset.UtcNow.AddSeconds(6));
        var id = await fixture.Rollouts.StartOkAsync(new { notBefore = Iso(notBefore) });

        await fixture.Silo.DisposeAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        var stateWhileNoSilo = await fixture.Database.ScalarAsync<string>("SELECT state FROM controlplane.rollouts WHERE id = $1", id);
        await using var survivor = new SiloFactory(fixture.Database.ConnectionString, StartReminders.NextSiloSettings(fixture));
        using var client = survivor.CreateAdminClient();
        var done = await new RolloutsClient(client.Http).WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(90));

        Assert.True(stoppedAt < notBefore, $"the first silo stopped at {stoppedAt:O}, not before notBefore {notBefore:O}");
        Assert.Equal("Scheduled", stateWhileNoSilo);
        Assert.Equal(3, done.Totals.Succeeded);
        Assert.Equal(0, await MigratedBeforeNotBeforeAsync(fixture.Database, id));
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task StartEvenWhenItsReminderTicksBeforeItsRowIsCommitted()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        await fixture.OnboardAsync("early", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var notBefore = Milliseconds(DateTimeOffset.UtcNow.AddSeconds(1));

        // Hold the rollout's INSERT (SHARE blocks writers, not readers) after its reminder is armed; the first tick
        // then comes while the row is uncommitted, and must wait for it rather than take the rollout for gone.
        await using (var blocker = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await using (var lockRollouts = new NpgsqlCommand("LOCK TABLE controlplane.rollouts IN SHARE MODE", blocker, hold))
            {
                await lockRollouts.ExecuteNonQueryAsync();
            }

            var starting = fixture.Rollouts.StartAsync(new { notBefore = Iso(notBefore) });
            await Eventually.HoldsAsync(
                () => fixture.Database.ScalarAsync<bool>("SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
                "the start reminder's first tick to wait for the rollout's creation to commit",
                TimeSpan.FromSeconds(8),
                async () => $"{await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders")} reminder row(s), POST {(starting.IsCompleted ? "answered" : "pending")}");
            await hold.RollbackAsync();
            using var started = await starting;
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        var id = await fixture.Database.ScalarAsync<string>("SELECT id FROM controlplane.rollouts");
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(2, done.Totals.Succeeded);
        Assert.Equal(0, await MigratedBeforeNotBeforeAsync(fixture.Database, id));
    }

    [Fact]
    public async Task CancelAScheduledRolloutSoThatItNeverStartsAndDropItsReminder()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);
        await fixture.OnboardAsync("never", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        // Far enough ahead that the POST and the three actions are done before it: on a loaded machine 4 s was not.
        var notBefore = Milliseconds(DateTimeOffset.UtcNow.AddSeconds(15));
        var id = await fixture.Rollouts.StartOkAsync(new { notBefore = Iso(notBefore) });
        var armed = await StartReminders.CountAsync(fixture.Database, id);

        using var pause = await fixture.Rollouts.ActAsync(id, "pause");
        using var resume = await fixture.Rollouts.ActAsync(id, "resume");
        using var cancel = await fixture.Rollouts.ActAsync(id, "cancel");
        var cancelled = (await cancel.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!;
        await Eventually.HoldsAsync(
            async () => await StartReminders.CountAsync(fixture.Database, id) == 0,
            $"rollout {id}'s start reminder to leave orleans.reminders after cancel",
            TimeSpan.FromSeconds(30),
            async () => $"{await StartReminders.CountAsync(fixture.Database, id)} reminder row(s)");

        // Past notBefore and two check periods beyond, by the database's clock: a live reminder would have started it.
        await Eventually.HoldsAsync(
            () => fixture.Database.ScalarAsync<bool>("SELECT clock_timestamp() > $1 + interval '4 seconds'", notBefore),
            $"the database's clock to pass rollout {id}'s notBefore {notBefore:O} by two check periods",
            TimeSpan.FromSeconds(60));
        var after = await fixture.Rollouts.GetAsync(id);

        Assert.Equal(1, armed);
        Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);
        Assert.Contains("has not started", (await Problem.ReadAsync(pause)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(RolloutState.Cancelled, cancelled.State);
        Assert.Equal(RolloutState.Cancelled, after.State);
        Assert.Equal(3, after.Totals.Pending);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE migration_version = 4"));
    }

    [Fact]
    public async Task RefuseABadNotBeforeNamingTheField()
    {
        await using var fixture = await RolloutFixture.StartAsync(StartReminders.Quick);

        using var words = await fixture.Rollouts.StartAsync(new { notBefore = "tomorrow" });
        using var noOffset = await fixture.Rollouts.StartAsync(new { notBefore = "2030-01-01T02:00:00" });
        using var tooFar = await fixture.Rollouts.StartAsync(new { notBefore = Iso(DateTimeOffset.UtcNow.AddYears(2)) });
        using var number = await fixture.Rollouts.StartAsync(new { notBefore = 42 });

        var problems = new List<Problem>();
        foreach (var response in new[] { words, noOffset, tooFar, number })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            problems.Add(await Problem.ReadAsync(response));
        }

        Assert.All(problems, problem => Assert.Equal(["notBefore"], problem.Errors!.Keys));
        Assert.Contains("with an offset", problems[1].Detail, StringComparison.Ordinal);
        Assert.Contains("at most 365 days ahead", problems[2].Detail, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders"));
    }

    /// <summary>Version-4 migrations of the rollout's tenants applied before its not_before (both by the database's clock).</summary>
    private static Task<long> MigratedBeforeNotBeforeAsync(TestDatabase database, string id) =>
        database.ScalarAsync<long>(
            """
            SELECT count(*) FROM controlplane.tenant_migrations m
            JOIN controlplane.rollout_tenants t ON t.slug = m.slug AND t.rollout_id = $1
            JOIN controlplane.rollouts r ON r.id = t.rollout_id
            WHERE m.version = 4 AND m.applied_at < r.not_before
            """,
            id);

    private static DateTimeOffset Milliseconds(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
