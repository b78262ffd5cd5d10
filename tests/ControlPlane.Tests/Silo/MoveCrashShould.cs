using System.Net;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Pooled;

namespace ControlPlane.Tests.Silo;

/// <summary>A silo process killed with SIGKILL while a move copies a tenant's rows: after a restart the tenant is wholly in one tier, every row once.</summary>
[Collection(ProcessTests.Name)]
public sealed class MoveCrashShould : IAsyncLifetime
{
    private const int Users = 20_000;
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Leave_the_tenant_wholly_in_one_tier_with_every_row_once_when_the_silo_is_killed_mid_copy_and_restarted()
    {
        var pooled = TestPooledSchema.For(_database.ConnectionString);
        var slug = TestSlugs.New("mv_kill");
        var own = $"tenant_{slug}";
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "kill-move");
        string sourceRows;
        try
        {
            using var tenants = new TenantsClient(silo.Http, ownsHttp: false);
            await tenants.OnboardPooledAsync(TestSlugs.New("mv_kill_pool"), timeout: TimeSpan.FromSeconds(60));
            await tenants.OnboardAsync(slug, timeout: TimeSpan.FromSeconds(60));
            await _database.ExecuteAsync(
                $"INSERT INTO \"{own}\".users (email, name) SELECT 'u' || g || '@example.com', 'user ' || g FROM generate_series(1, {Users}) g");
            sourceRows = await UsersAsync($"\"{own}\".users", null);

            // Inserting the tenant's users into the pooled table sleeps, so the kill lands with the copy's transaction open
            // and the rows of the tables before it already inserted.
            await _database.ExecuteAsync($"""
                CREATE FUNCTION "{pooled}".slow_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_setting('controlplane.tenant_id', true) = '{slug}' THEN PERFORM pg_sleep(3); END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER slow_move AFTER INSERT ON "{pooled}".users FOR EACH STATEMENT EXECUTE FUNCTION "{pooled}".slow_move();
                """);
            using (var asked = await TenantMoves.AskAsync(tenants, slug, "pooled"))
            {
                Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
            }

            await Eventually.HoldsAsync(
                async () => await _database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE $1", $"INSERT INTO \"{pooled}\".\"users\"%") > 0,
                "the move's copy to be inserting users",
                TimeSpan.FromSeconds(60),
                every: TimeSpan.FromMilliseconds(20));
            await silo.KillAsync();
        }
        finally
        {
            await silo.DisposeAsync();
        }

        var killed = await _database.QueryAsync<string>("SELECT tier || ' ' || move_phase FROM controlplane.tenants WHERE slug = $1", slug);
        var pooledAtKill = await _database.ScalarAsync<long>($"SELECT count(*) FROM \"{pooled}\".users WHERE tenant_id = $1", slug);
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "kill-move");
        using var after = new TenantsClient(restarted.Http, ownsHttp: false);
        var moved = await TenantMoves.WaitForEndAsync(after, slug, "pooled", TimeSpan.FromSeconds(120));

        Assert.Equal(["schema Copying"], killed);
        Assert.Equal(0, pooledAtKill);
        Assert.Equal(sourceRows, await UsersAsync($"\"{pooled}\".users", slug));
        Assert.Equal(0, await TenantMoves.OwnObjectsLeftAsync(_database, slug));
        Assert.Equal(pooled, moved.Schema);
        Assert.Single(moved.Timeline, e => e.Step == ProvisioningStep.Move && e.Detail?.Contains("routing switched", StringComparison.Ordinal) == true);
        Assert.Single(moved.Timeline, e => e.Step == ProvisioningStep.Move && e.Detail?.Contains("done", StringComparison.Ordinal) == true);
        Assert.Null(moved.LastError);
    }

    /// <summary>The users' count and a checksum of their rows (tenant_id aside), in id order.</summary>
    private Task<string> UsersAsync(string table, string? tenant) => _database.ScalarAsync<string>(
        $"SELECT count(*) || ':' || md5(string_agg(ROW(id, email, name, role, team_id, created_at, updated_at)::text, '|' ORDER BY id)) FROM {table}"
        + (tenant is null ? string.Empty : " WHERE tenant_id = $1"),
        tenant is null ? [] : [tenant]);
}
