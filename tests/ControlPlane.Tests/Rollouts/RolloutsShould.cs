using System.Net;
using System.Net.Http.Json;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Rollouts;

public sealed class RolloutsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    // A CHECK validated as it is added (no NOT VALID) is what makes tenants with long team names fail; the lint calls it an error.
    private static readonly string[] AcceptCheck = ["add-constraint-without-not-valid"];

    [Fact]
    public async Task ListTheCatalogueWithHowManyTenantsAreAtEachVersion()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("cat", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var catalogue = await fixture.Rollouts.CatalogueAsync();

        Assert.Equal(4, catalogue.LatestVersion);
        Assert.Equal([1, 2, 3, 4], catalogue.Migrations.Select(m => m.Version));
        Assert.Equal("add component owner", catalogue.Migrations[3].Name);
        Assert.Equal(64, catalogue.Migrations[3].Checksum.Length);
        Assert.Equal(2, catalogue.Migrations.Single(m => m.Version == 3).Tenants);
        Assert.Equal(0, catalogue.Migrations.Single(m => m.Version == 4).Tenants);
        Assert.Equal(2, catalogue.TenantsByVersion["3"]);
    }

    [Fact]
    public async Task MigrateEveryTenantWaveByWaveAndComplete()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("wave", 12);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        using var started = await fixture.Rollouts.StartAsync(new { targetVersion = 4, maxParallel = 2, waves = new object[] { new { name = "canary", tenants = 3 }, new { name = "rest" } } });
        var id = (await started.Content.ReadFromJsonAsync<ControlPlane.Api.Contracts.RolloutResponse>(TenantsClient.Json))!.Id;
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal($"/v1/rollouts/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal(["canary", "rest"], done.Waves.Select(w => w.Name));
        Assert.Equal([3, 9], done.Waves.Select(w => w.Size));
        Assert.Equal(12, done.Totals.Succeeded);
        Assert.Equal(0, done.Totals.Pending + done.Totals.Running + done.Totals.Failed);
        Assert.NotNull(done.FinishedAt);
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
            Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'owner'", $"tenant_{slug}.components"));
            Assert.Equal(TenantStatus.Active, (await fixture.Tenants.GetAsync(slug))!.State);
        }
    }

    [Fact]
    public async Task HaltWhenAWaveCrossesTheThresholdAndLeaveFailedTenantsOnTheirVersion()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        // Tenants 0 and 1 get long display names, which their seeded team names carry: the new CHECK fails there.
        var slugs = await fixture.OnboardAsync("halt", 10, i => i < 2 ? new string('L', 60) : $"T{i}");
        fixture.Migrations.Write("V0004__short_team_names.sql", "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);");

        var id = await fixture.Rollouts.StartOkAsync(new { waves = new object[] { new { name = "all" } }, failureThreshold = 0.1, acceptLint = AcceptCheck });
        var halted = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, also: r => r.Totals.Running == 0);

        Assert.Contains("2 of 10 tenants failed", halted.Reason);
        Assert.Equal(slugs[..2], halted.FailedTenants.Select(f => f.Slug).Order(StringComparer.Ordinal));
        Assert.All(halted.FailedTenants, f => Assert.Contains("23514", f.Error));
        foreach (var slug in slugs[..2])
        {
            var tenant = await fixture.Tenants.GetAsync(slug);
            Assert.Equal(3, tenant!.MigrationVersion);
            Assert.Equal(TenantStatus.Active, tenant.State);
            Assert.Contains("V0004__short_team_names.sql", tenant.LastError);
        }
    }

    [Fact]
    public async Task StartTheNextWaveOnlyAfterTheCanaryFinishedUnderTheThreshold()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        // Every tenant would fail, so the canary does; with threshold 0 the rollout must halt before the next wave.
        await fixture.OnboardAsync("canary", 8, _ => new string('L', 60));
        fixture.Migrations.Write("V0004__short_team_names.sql", "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);");

        var id = await fixture.Rollouts.StartOkAsync(new { waves = new object[] { new { name = "canary", tenants = 3 }, new { name = "rest" } }, failureThreshold = 0, acceptLint = AcceptCheck });
        var halted = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, also: r => r.Totals.Running == 0);
        var restWave = halted.Waves.Single(w => w.Name == "rest");

        Assert.Equal(0, halted.CurrentWave);
        Assert.Equal(5, restWave.Size);
        Assert.Equal(restWave.Size, restWave.Counts.Pending);
        Assert.Equal(0, restWave.Counts.Succeeded);
        Assert.Contains("wave 'canary'", halted.Reason);
    }

    [Fact]
    public async Task PauseResumeAndCancelOnRequest()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("pause", 12);
        fixture.Migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.2); " + AddOwner);
        var id = await fixture.Rollouts.StartOkAsync(new { maxParallel = 1 });
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.Totals.Succeeded >= 2);

        using var pause = await fixture.Rollouts.ActAsync(id, "pause");
        var paused = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Paused, also: r => r.Totals.Running == 0);
        // A negative check: no event marks "a paused rollout would have moved by now", so it is given the time of a few
        // tenants (0.2 s each, one at a time) and sweeps (every 0.2 s) to show that it does not.
        await Task.Delay(700);
        var stillPaused = await fixture.Rollouts.GetAsync(id);
        using var resume = await fixture.Rollouts.ActAsync(id, "resume");
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.Totals.Succeeded > paused.Totals.Succeeded);
        using var cancel = await fixture.Rollouts.ActAsync(id, "cancel");
        var cancelled = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Cancelled, also: r => r.Totals.Running == 0);
        using var resumeCancelled = await fixture.Rollouts.ActAsync(id, "resume");

        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.Equal(paused.Totals.Succeeded, stillPaused.Totals.Succeeded);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.True(cancelled.Totals.Pending > 0, "cancelling left the rest pending");
        Assert.Equal(12, cancelled.Totals.Succeeded + cancelled.Totals.Pending);
        Assert.Equal(cancelled.Totals.Succeeded, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE migration_version = 4"));
        Assert.Equal(HttpStatusCode.Conflict, resumeCancelled.StatusCode);
    }

    [Fact]
    public async Task RefuseASecondRolloutWhileOneIsOpenNamingIt()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("second", 3);
        fixture.Migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.5);");
        var first = await fixture.Rollouts.StartOkAsync(new { maxParallel = 1 });

        using var second = await fixture.Rollouts.StartAsync(new { });
        await fixture.Rollouts.WaitForStateAsync(first, RolloutState.Completed);
        var afterwards = await fixture.Rollouts.StartOkAsync(new { });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.Content.ReadAsStringAsync();
        Assert.Contains(first, problem, StringComparison.Ordinal);
        Assert.Contains("openRolloutId", problem, StringComparison.Ordinal);
        Assert.NotEqual(first, afterwards);
    }

    [Fact]
    public async Task AnswerCompletedWithEveryTenantSkippedWhenAllAreAlreadyAtTheTarget()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("noop", 5);
        var migrationsBefore = await MigrationRecordsAsync(fixture, slugs);
        var timelinesBefore = await TimelineLengthsAsync(fixture, slugs);

        using var started = await fixture.Rollouts.StartAsync(new { targetVersion = 3, waves = new object[] { new { name = "canary", tenants = 2 }, new { name = "rest" } } });
        var answer = (await started.Content.ReadFromJsonAsync<ControlPlane.Api.Contracts.RolloutResponse>(TenantsClient.Json))!;
        var done = await fixture.Rollouts.GetAsync(answer.Id);

        // Done as it was recorded: the creating request's own answer already says so, before any coordinator turn.
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(RolloutState.Completed, answer.State);
        Assert.Equal(RolloutState.Completed, done.State);
        Assert.NotNull(done.FinishedAt);
        Assert.Null(done.Reason);
        Assert.Equal(1, done.CurrentWave);
        Assert.Equal([2, 3], done.Waves.Select(w => w.Size));
        Assert.Equal([2, 3], done.Waves.Select(w => w.Counts.Skipped));
        Assert.Equal(5, done.Totals.Total);
        Assert.Equal(5, done.Totals.Skipped);
        Assert.Equal(0, done.Totals.Pending + done.Totals.Running + done.Totals.Succeeded + done.Totals.Failed);
        Assert.Empty(done.FailedTenants);
        Assert.Equal(
            slugs.Select(s => $"{s}:Skipped:already at V3:0"),
            await fixture.Database.QueryAsync<string>(
                "SELECT slug || ':' || status || ':' || error || ':' || attempts FROM controlplane.rollout_tenants WHERE rollout_id = $1 ORDER BY slug COLLATE \"C\"", answer.Id));
        // The tenants are as they were: same version, same migration records, nothing new on their timelines.
        Assert.Equal(migrationsBefore, await MigrationRecordsAsync(fixture, slugs));
        Assert.Equal(timelinesBefore, await TimelineLengthsAsync(fixture, slugs));
        foreach (var slug in slugs)
        {
            Assert.Equal(3, await fixture.VersionAsync(slug));
        }

        // It is not left open: the next rollout starts.
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        var next = await fixture.Rollouts.StartOkAsync(new { });
        Assert.Equal(5, (await fixture.Rollouts.WaitForStateAsync(next, RolloutState.Completed)).Totals.Succeeded);
    }

    [Fact]
    public async Task RefuseARolloutWithNothingToDoWhileAnotherIsOpen()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("noopsecond", 3);
        fixture.Migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.5);");
        var first = await fixture.Rollouts.StartOkAsync(new { maxParallel = 1 });

        // Every tenant is at V3 (or past it), so this one would have nothing to do; the one-open rule still holds.
        using var second = await fixture.Rollouts.StartAsync(new { targetVersion = 3 });
        await fixture.Rollouts.WaitForStateAsync(first, RolloutState.Completed);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(first, await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task RefuseToStartWhenAnAppliedMigrationHasDrifted()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("drift", 3);
        fixture.Migrations.Append("V0002__components_and_environments.sql", "\n-- edited after it was applied\n");
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        using var response = await fixture.Rollouts.StartAsync(new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("drift on 3 tenant(s)", problem, StringComparison.Ordinal);
        Assert.Contains("V0002 changed after it was applied", problem, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
        foreach (var slug in slugs)
        {
            Assert.Equal(3, await fixture.VersionAsync(slug));
        }
    }

    [Fact]
    public async Task RefuseABadPlanNamingTheField()
    {
        await using var fixture = await RolloutFixture.StartAsync();

        using var unknownTarget = await fixture.Rollouts.StartAsync(new { targetVersion = 99 });
        using var badThreshold = await fixture.Rollouts.StartAsync(new { failureThreshold = 1.5 });
        using var sizelessMiddle = await fixture.Rollouts.StartAsync(new { waves = new object[] { new { name = "a" }, new { name = "b" } } });

        Assert.Contains("targetVersion", (await Problem.ReadAsync(unknownTarget)).Errors!.Keys);
        Assert.Contains("failureThreshold", (await Problem.ReadAsync(badThreshold)).Errors!.Keys);
        Assert.Contains("waves[0].tenants", (await Problem.ReadAsync(sizelessMiddle)).Errors!.Keys);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task RetryOnlyTheFailedTenantsOnRequest()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("retry", 6, i => i < 2 ? new string('L', 60) : $"R{i}");
        fixture.Migrations.Write("V0004__short_team_names.sql", "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);");
        var id = await fixture.Rollouts.StartOkAsync(new { failureThreshold = 1, acceptLint = AcceptCheck });
        var first = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        var appliedBefore = await fixture.Database.QueryAsync<DateTime>(
            "SELECT applied_at FROM controlplane.tenant_migrations WHERE version = 4 ORDER BY slug");

        foreach (var slug in slugs[..2])
        {
            await fixture.Database.ExecuteAsync($"UPDATE tenant_{slug}.teams SET name = 'short'");
        }

        using var retry = await fixture.Rollouts.ActAsync(id, "retry-failed");
        var second = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed, also: r => r.Totals.Failed == 0);

        Assert.Equal(2, first.Totals.Failed);
        Assert.Equal(4, first.Totals.Succeeded);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(6, second.Totals.Succeeded);
        Assert.Equal(appliedBefore, (await fixture.Database.QueryAsync<DateTime>(
            "SELECT applied_at FROM controlplane.tenant_migrations WHERE version = 4 AND slug <> ALL($1) ORDER BY slug", (object)slugs[..2])));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4 AND slug = $1", slugs[0]));
    }

    [Fact]
    public async Task ProvisionATenantOnboardedDuringARolloutStraightToTheNewestVersion()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("during", 6);
        fixture.Migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.3); " + AddOwner);
        var id = await fixture.Rollouts.StartOkAsync(new { maxParallel = 1 });
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.Totals.Succeeded >= 1);

        var late = await fixture.Tenants.OnboardAsync(TestSlugs.New("late"));
        var rollout = await fixture.Rollouts.GetAsync(id);

        Assert.Equal(4, late.MigrationVersion);
        Assert.Equal(RolloutState.Running, rollout.State);
        Assert.Equal(6, rollout.Totals.Total);
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
    }

    [Fact]
    public async Task RunANoTransactionMigrationOutsideATransactionAndRepairItOnRetry()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("concurrently", 3);
        // A duplicate colour in one tenant makes its unique index fail, which leaves an INVALID index behind.
        await fixture.Database.ExecuteAsync($"INSERT INTO tenant_{slugs[1]}.tags (name, color) VALUES ('again', '#d73a49')");
        fixture.Migrations.Write("V0004__unique_tag_colors.sql", "-- controlplane:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY tags_color_key ON tags (color);\n");
        var id = await fixture.Rollouts.StartOkAsync(new { failureThreshold = 1 });
        var first = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        var statusAfterFailure = await fixture.Database.ScalarAsync<string>(
            "SELECT status FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", slugs[1]);
        var invalidAfterFailure = await InvalidIndexesAsync(fixture, slugs[1]);

        await fixture.Database.ExecuteAsync($"DELETE FROM tenant_{slugs[1]}.tags WHERE name = 'again'");
        using var retry = await fixture.Rollouts.ActAsync(id, "retry-failed");
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed, also: r => r.Totals.Failed == 0);

        Assert.Equal([slugs[1]], first.FailedTenants.Select(f => f.Slug));
        Assert.Equal("NeedsRepair", statusAfterFailure);
        Assert.Equal(1, invalidAfterFailure);
        Assert.Equal(0, await InvalidIndexesAsync(fixture, slugs[1]));
        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
            Assert.Equal("Applied", await fixture.Database.ScalarAsync<string>("SELECT status FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", slug));
            Assert.True(await fixture.Database.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass", $"tenant_{slug}.tags_color_key"));
        }
    }

    private static Task<List<string>> MigrationRecordsAsync(RolloutFixture fixture, string[] slugs) =>
        fixture.Database.QueryAsync<string>(
            "SELECT slug || ':' || version || ':' || status || ':' || applied_at FROM controlplane.tenant_migrations WHERE slug = ANY($1) ORDER BY slug, version",
            (object)slugs);

    private static async Task<List<int>> TimelineLengthsAsync(RolloutFixture fixture, string[] slugs)
    {
        var lengths = new List<int>();
        foreach (var slug in slugs)
        {
            lengths.Add((await fixture.Tenants.GetAsync(slug))!.Timeline.Count);
        }

        return lengths;
    }

    private static Task<long> InvalidIndexesAsync(RolloutFixture fixture, string slug) =>
        fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = $1::regnamespace AND NOT i.indisvalid",
            $"tenant_{slug}");
}
