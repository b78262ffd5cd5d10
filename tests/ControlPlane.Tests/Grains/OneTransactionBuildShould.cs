using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Grains;

/// <summary>
/// A tenant built from nothing goes <c>Requested → Active</c> in one transaction (BuildStep): the registry never holds
/// a state in between, the timeline still shows every step, and the records are the ones the steps would have written.
/// </summary>
public sealed class OneTransactionBuildShould : IAsyncLifetime
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
    public async Task Build_a_new_tenant_showing_every_step_on_its_timeline_with_no_state_between_requested_and_active_ever_committed()
    {
        // A migration slow enough for the registry to be read many times while the build runs.
        _migrations.Write("V0004__slow_notes.sql", "SELECT pg_sleep(1); CREATE TABLE notes (id int PRIMARY KEY);");
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>([_migrations.Setting]));
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("onetx");

        using var created = await client.CreateAsync(slug, "One Transaction Ltd");
        var seen = new List<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var state = await _database.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", slug);
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }

            if (state == nameof(TenantStatus.Active))
            {
                break;
            }

            await Task.Delay(20);
        }

        var active = await client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.Equal([nameof(TenantStatus.Requested), nameof(TenantStatus.Active)], seen);
        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.SchemaCreated, TenantStatus.SchemaCreated, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active],
            active.Timeline.Select(e => e.To));
        Assert.Equal(["applied V0001 base", "applied V0002 components and environments", "applied V0003 tags and versions", "applied V0004 slow notes"],
            active.Timeline.Where(e => e.Step == ProvisioningStep.Migrate).Select(e => e.Detail));
        Assert.Equal(4, active.MigrationVersion);
        Assert.Equal([1, 2, 3, 4], await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 AND status = 'Applied' ORDER BY version", slug));
        Assert.True(await _database.ScalarAsync<double>("SELECT duration_ms FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", slug) >= 1000);
        Assert.Equal(1, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
        Assert.True(await _database.ScalarAsync<bool>("SELECT lease_owner IS NULL FROM controlplane.tenants WHERE slug = $1", slug));
    }
}
