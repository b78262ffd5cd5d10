using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Pooled;

/// <summary>Rollouts that include the pooled schema as one unit (docs/tiers.md, "Rollouts").</summary>
public sealed class PooledRolloutsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    private const string PooledNotes =
        """
        CREATE TABLE notes (
            tenant_id text NOT NULL DEFAULT current_tenant(),
            id        bigint GENERATED ALWAYS AS IDENTITY,
            body      text NOT NULL,
            PRIMARY KEY (tenant_id, id)
        );
        """;

    private static readonly object CanaryThenRest = new object[] { new { name = "canary", tenants = 1 }, new { name = "rest" } };

    [Fact]
    public async Task Migrate_the_pooled_schema_once_as_a_unit_of_the_first_wave_and_give_every_pooled_tenant_its_version()
    {
        await using var scope = await PooledRolloutScope.StartAsync();
        var (fixture, schema) = (scope.Fixture, scope.Schema);
        var own = await fixture.OnboardAsync("pr_own", 3);
        var pooled = await scope.OnboardPooledAsync("pr_pool", 3);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        scope.Pooled.Write("V0004__notes.sql", PooledNotes);

        var plan = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4, waves = CanaryThenRest });
        var asked = (await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4, waves = CanaryThenRest }, tenant: pooled[0])).Tenant!;
        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, waves = CanaryThenRest });
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        var planned = Assert.Single(plan.Pooled!);
        Assert.Equal(($"pooled:{schema}", "canary", "Pending", 3, 3, (string?)null), (planned.Name, planned.Wave, planned.Status, planned.FromVersion, planned.Tenants, planned.Refusal));
        Assert.Equal([4], planned.Versions);
        Assert.Equal(("canary", "Pending", 3), (asked.Wave, asked.Status, asked.FromVersion));
        Assert.Contains($"as the unit pooled:{schema}", asked.Reason);
        Assert.Equal([2, 2], plan.Waves.Select(w => w.Tenants));
        Assert.Equal([2, 2], done.Waves.Select(w => w.Size));
        Assert.Equal(4, done.Totals.Succeeded);
        var unit = Assert.Single(done.PooledUnits!);
        Assert.Equal(($"pooled:{schema}", schema, "canary", RolloutTenantStatus.Succeeded, 3, 3), (unit.Name, unit.Schema, unit.Wave, unit.Status, unit.FromVersion, unit.Tenants));

        // Pooled tenants are never planned one by one: the rollout holds the schema-tier tenants and the one unit.
        Assert.Equal(
            [.. own.Append($"pooled:{schema}").Order(StringComparer.Ordinal)],
            await fixture.Database.QueryAsync<string>("SELECT slug FROM controlplane.rollout_tenants WHERE rollout_id = $1 ORDER BY slug COLLATE \"C\"", id));
        Assert.Equal(4, await fixture.Database.ScalarAsync<int>("SELECT migration_version FROM controlplane.pooled_stores WHERE schema_name = $1", schema));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.pooled_migrations WHERE schema_name = $1 AND version = 4", schema));
        Assert.Equal(
            "rls=True forced=True policy=1",
            await fixture.Database.ScalarAsync<string>(
                """
                SELECT 'rls=' || initcap(c.relrowsecurity::text) || ' forced=' || initcap(c.relforcerowsecurity::text)
                       || ' policy=' || (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation')
                FROM pg_class c WHERE c.oid = to_regclass($1)
                """,
                $"{schema}.notes"));
        foreach (var slug in own)
        {
            Assert.Equal(4, (await fixture.Tenants.GetAsync(slug))!.MigrationVersion);
        }

        foreach (var slug in pooled)
        {
            var tenant = (await fixture.Tenants.GetAsync(slug))!;
            Assert.Equal((TenantStatus.Active, 4), (tenant.State, tenant.MigrationVersion));
            Assert.Contains(tenant.Timeline, e => e.Detail is { } detail && detail.Contains($"the pooled schema {schema}'s (rollout {id})", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Halt_the_rollout_on_a_failing_pooled_migration_and_leave_the_pooled_schema_serving_at_its_version()
    {
        await using var scope = await PooledRolloutScope.StartAsync();
        var (fixture, schema) = (scope.Fixture, scope.Schema);
        var own = await fixture.OnboardAsync("pr_halt_own", 3);
        var pooled = await scope.OnboardPooledAsync("pr_halt_pool", 2);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        scope.Pooled.Write("V0004__notes.sql", PooledNotes + "\nALTER TABLE no_such_table ADD COLUMN owner text;");

        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, failureThreshold = 0, waves = CanaryThenRest });
        var halted = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, also: r => r.Totals.Running == 0);

        Assert.Equal(0, halted.CurrentWave);
        Assert.Contains("wave 'canary'", halted.Reason);
        var failure = Assert.Single(halted.FailedTenants);
        Assert.Equal(($"pooled:{schema}", "canary"), (failure.Slug, failure.Wave));
        Assert.Contains("V0004__notes.sql: 42P01", failure.Error);
        Assert.Contains($"the pooled schema {schema} stays at V0003", failure.Error);
        Assert.Equal(RolloutTenantStatus.Failed, Assert.Single(halted.PooledUnits!).Status);
        Assert.Equal(2, halted.Waves.Single(w => w.Name == "rest").Counts.Pending);
        Assert.Equal(3, await fixture.Database.ScalarAsync<int>("SELECT migration_version FROM controlplane.pooled_stores WHERE schema_name = $1", schema));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.pooled_migrations WHERE schema_name = $1 AND version = 4", schema));
        Assert.True(await fixture.Database.ScalarAsync<bool>("SELECT to_regclass($1) IS NULL", $"{schema}.notes"));
        foreach (var slug in pooled)
        {
            var tenant = (await fixture.Tenants.GetAsync(slug))!;
            Assert.Equal((TenantStatus.Active, 3), (tenant.State, tenant.MigrationVersion));
            using var http = TenantTokens.ClientFor(fixture.Silo, slug);
            using var environments = await http.GetAsync("/v1/me/environments");
            Assert.Equal(HttpStatusCode.OK, environments.StatusCode);
        }
    }

    [Fact]
    public async Task Refuse_to_start_a_rollout_to_a_version_the_pooled_catalogue_lacks_naming_the_pooled_unit()
    {
        await using var scope = await PooledRolloutScope.StartAsync();
        var (fixture, schema) = (scope.Fixture, scope.Schema);
        await fixture.OnboardAsync("pr_lack_own", 1);
        await scope.OnboardPooledAsync("pr_lack_pool", 1);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);

        var plan = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4 });
        var printed = await new Cli.InProcessCli(fixture.Silo).RunAsync("rollout", "plan", "--target", "4");
        using var refused = await fixture.Rollouts.StartAsync(new { targetVersion = 4 });
        var problem = await Problem.ReadAsync(refused);

        Assert.Contains("has no V0004", Assert.Single(plan.Pooled!).Refusal);
        Assert.Contains($"Pooled schema pooled:{schema} (one unit, 1 pooled tenant(s)): wave all, Pending, from V3: receives nothing", printed.PlainOut);
        Assert.Contains("A start is refused: the pooled catalogue (ControlPlane:Pooled:MigrationsPath) has no V0004", printed.PlainOut);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"pooled:{schema}: the pooled catalogue (ControlPlane:Pooled:MigrationsPath) has no V0004", problem.Detail);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task Try_a_pooled_migration_again_while_a_lock_holds_it_up_showing_the_wait_like_a_tenants()
    {
        await using var scope = await PooledRolloutScope.StartAsync(
            ("ControlPlane:Migrations:LockTries", "60"),
            ("ControlPlane:Migrations:LockRetryBaseDelay", "00:00:00.100"),
            ("ControlPlane:Migrations:LockRetryMaxDelay", "00:00:00.400"));
        var (fixture, schema) = (scope.Fixture, scope.Schema);
        var pooled = await scope.OnboardPooledAsync("pr_lock_pool", 1);
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        scope.Pooled.Write("V0004__add_component_owner.sql", AddOwner);
        await using var holder = new Npgsql.NpgsqlConnection(fixture.Database.ConnectionString);
        await holder.OpenAsync();
        var holding = await holder.BeginTransactionAsync();
        await using (var share = new Npgsql.NpgsqlCommand($"LOCK TABLE {schema}.components IN ACCESS SHARE MODE", holder, holding))
        {
            // As a pooled tenant's long read would: the ALTER queues behind it until the transaction ends.
            await share.ExecuteNonQueryAsync();
        }

        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, lockTimeout = "100ms" });
        var waiting = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.LockWaiting == 1);
        var versionWhileWaiting = await fixture.Database.ScalarAsync<int>("SELECT migration_version FROM controlplane.pooled_stores WHERE schema_name = $1", schema);
        await holding.CommitAsync();
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(100, waiting.LockTimeoutMs);
        Assert.Equal(3, versionWhileWaiting);
        Assert.Equal((1, 0, 0, 1), (done.Totals.Succeeded, done.Totals.Failed, done.LockWaiting, done.LockRetried));
        Assert.True(await fixture.Database.ScalarAsync<int>("SELECT lock_tries FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND slug = $2", id, $"pooled:{schema}") >= 2);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'owner'", $"{schema}.components"));
        Assert.Equal(4, (await fixture.Tenants.GetAsync(pooled[0]))!.MigrationVersion);
    }

    /// <summary>A rollout fixture whose silo reads the pooled catalogue from a folder the test controls.</summary>
    private sealed class PooledRolloutScope : IAsyncDisposable
    {
        private PooledRolloutScope(RolloutFixture fixture, PooledMigrationFolder pooled)
        {
            Fixture = fixture;
            Pooled = pooled;
        }

        public RolloutFixture Fixture { get; }

        public PooledMigrationFolder Pooled { get; }

        public string Schema => TestPooledSchema.For(Fixture.Database.ConnectionString);

        public static async Task<PooledRolloutScope> StartAsync(params (string Key, string Value)[] settings)
        {
            var pooled = new PooledMigrationFolder();
            return new PooledRolloutScope(await RolloutFixture.StartAsync([pooled.Setting, .. settings]), pooled);
        }

        public async Task<string[]> OnboardPooledAsync(string prefix, int count)
        {
            prefix = TestSlugs.New(prefix);
            var slugs = Enumerable.Range(0, count).Select(i => $"{prefix}_{i:000}").ToArray();
            await Task.WhenAll(slugs.Select(s => Fixture.Tenants.OnboardPooledAsync(s, timeout: TimeSpan.FromSeconds(60))));
            return slugs;
        }

        public async ValueTask DisposeAsync()
        {
            await Fixture.DisposeAsync();
            Pooled.Dispose();
        }
    }
}
