using System.Net.Http.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Silo;

/// <summary>A silo process killed with SIGKILL while it copies a clone's rows: the restarted silo makes one whole copy.</summary>
[Collection(ProcessTests.Name)]
public sealed class CloneCrashShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _migrations.Dispose();
    }

    [Fact]
    public async Task Finish_a_clone_with_one_complete_copy_after_the_silo_is_killed_mid_copy_and_restarted()
    {
        // Inserting into users sleeps while a copy runs (a clone copies as a replica; ALWAYS fires there too), so the
        // kill lands with the copy's transaction open and rows of the earlier tables already inserted.
        _migrations.Write("V0004__slow_copy.sql", """
            CREATE FUNCTION slow_copy() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('session_replication_role') = 'replica' THEN PERFORM pg_sleep(3); END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER slow_copy AFTER INSERT ON users FOR EACH STATEMENT EXECUTE FUNCTION slow_copy();
            ALTER TABLE users ENABLE ALWAYS TRIGGER slow_copy;
            """);
        var settings = new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path };
        var source = TestSlugs.New("killsrc");
        var clone = TestSlugs.New("killclone");
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "kill-copy", settings);
        try
        {
            using var tenants = new TenantsClient(silo.Http, ownsHttp: false);
            await tenants.OnboardAsync(source, timeout: TimeSpan.FromSeconds(60));
            await _database.ExecuteAsync(TenantSchemas.SampleRows($"tenant_{source}", seeded: true));
            using (var created = await silo.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Kill clone", cloneFrom = source }))
            {
                created.EnsureSuccessStatusCode();
            }

            await Eventually.HoldsAsync(
                async () => await _database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE $1", $"INSERT INTO \"tenant_{clone}\".\"users\"%") > 0,
                "the clone's copy to be inserting users",
                TimeSpan.FromSeconds(60),
                every: TimeSpan.FromMilliseconds(20));
            await silo.KillAsync();
        }
        finally
        {
            await silo.DisposeAsync();
        }

        Assert.Equal("Migrated", await _database.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", clone));
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "kill-copy", settings);
        using var after = new TenantsClient(restarted.Http, ownsHttp: false);
        var active = await after.WaitForStateAsync(clone, TenantStatus.Active, TimeSpan.FromSeconds(90));

        Assert.Equal(await TenantSchemas.ChecksumsAsync(_database, $"tenant_{source}"), await TenantSchemas.ChecksumsAsync(_database, $"tenant_{clone}"));
        Assert.Single(active.Timeline, e => e.Step == ProvisioningStep.Copy && e.To == TenantStatus.Seeded);
        Assert.DoesNotContain(active.Timeline, e => e.To == TenantStatus.Failed);
    }
}
