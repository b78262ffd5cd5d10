using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Silo;

/// <summary>
/// Failures only a real process can have. Serialized with the other timing-sensitive tests because each freezes
/// or kills a process on purpose and measures what the survivors do within seconds.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SiloProcessFailureShould : IAsyncLifetime
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
    public async Task FinishEveryTenantExactlyOnceAfterTheSiloIsKilledMidProvisioningAndRestarted()
    {
        // A slow fourth migration keeps tenants mid-way long enough to kill the silo among them.
        _migrations.Write("V0004__slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE audit_marks (id int PRIMARY KEY);");
        var settings = new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path };
        var prefix = TestSlugs.New("kill");
        var slugs = Enumerable.Range(0, 16).Select(i => $"{prefix}_{i:00}").ToArray();
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "kill-me", settings);
        long unfinishedAtKill;
        try
        {
            await Task.WhenAll(slugs.Select(async s => (await Tenants(silo).CreateAsync(s, $"{s} Ltd")).Dispose()));
            await Eventually.HoldsAsync(
                async () => await CountAsync(prefix, "Active") >= 2,
                "two tenants Active before the kill",
                TimeSpan.FromSeconds(30),
                every: TimeSpan.FromMilliseconds(50));
            await silo.KillAsync();
            unfinishedAtKill = slugs.Length - await CountAsync(prefix, "Active");
        }
        finally
        {
            await silo.DisposeAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "kill-me", settings);
        await Eventually.HoldsAsync(
            async () => await CountAsync(prefix, "Active") == slugs.Length,
            "every tenant Active after the restart",
            TimeSpan.FromSeconds(90),
            every: TimeSpan.FromMilliseconds(50));

        Assert.True(unfinishedAtKill > 0, "the kill landed while tenants were still provisioning");
        foreach (var slug in slugs)
        {
            Assert.Equal([1, 2, 3, 4], await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
            Assert.Equal(1, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
            Assert.Equal(6, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.cloud_providers"));
            Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND to_state = 'Failed'", slug));
            Assert.Equal(4, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND step = 'Migrate'", slug));
        }

        Assert.Equal(slugs.Length, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", $"tenant_{prefix}_%"));
    }

    [Fact]
    public async Task RefuseTheWritesOfASiloFrozenPastItsMembershipTimeoutAndEndItsProcessWhenItWakes()
    {
        // A transactional migration goes to the server in one batch with its record and COMMIT, so a client frozen
        // during it has nothing left to write. A no-transaction migration is confirmed in a later unit: freezing the
        // silo while its statements run leaves it a stale write to attempt when it wakes.
        _migrations.Write(
            "V0004__slow.sql",
            "-- controlplane:no-transaction\nSELECT pg_sleep(2);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS teams_name_marks ON teams (name);\n");
        var settings = new Dictionary<string, string>
        {
            ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path,
            ["ControlPlane__Database__IdleInTransactionTimeout"] = "00:00:02",
        };
        var slug = TestSlugs.New("frozen");
        await using var alpha = await SiloProcess.StartAsync(_database.ConnectionString, "alpha", settings);
        await using var beta = await SiloProcess.StartAsync(_database.ConnectionString, "beta", settings);
        using (await Tenants(alpha).CreateAsync(slug, "Frozen Ltd"))
        {
        }

        // Freeze whichever silo holds the tenant's lease while it runs V0004.
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4 AND status = 'Running'", slug) == 1,
            "a silo to be running V0004",
            TimeSpan.FromSeconds(30),
            every: TimeSpan.FromMilliseconds(50));
        var frozenIncarnation = await LeaseOwnerAsync(slug);
        var (frozen, survivor) = frozenIncarnation.StartsWith(alpha.LeasePrefix, StringComparison.Ordinal) ? (alpha, beta) : (beta, alpha);
        await frozen.PauseAsync();

        // Until the frozen silo is declared dead, calls to the grain it hosts are refused (503, Retry-After); then the
        // grain activates on the survivor, which takes the lease over.
        await Eventually.HoldsAsync(
            async () => await MembershipStatusAsync(frozenIncarnation) == DeadStatus,
            "Orleans to declare the frozen silo dead",
            TimeSpan.FromSeconds(30),
            every: TimeSpan.FromMilliseconds(50));
        var active = await Tenants(survivor).WaitForStateAsync(slug, TenantStatus.Active, TimeSpan.FromSeconds(60));
        await frozen.ContinueAsync();
        var exited = await frozen.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, active.MigrationVersion);
        Assert.Equal([1, 2, 3, 4], await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        var appliers = await _database.QueryAsync<string>("SELECT silo_id FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE 'applied V0004%'", slug);
        Assert.StartsWith(survivor.LeasePrefix, Assert.Single(appliers), StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND silo_id = $2 AND to_state IN ('Migrated', 'Seeded', 'Active')", slug, frozenIncarnation));

        // An Orleans silo that wakes to find itself declared dead ends its own process (a supervisor restarts it).
        Assert.True(exited, $"the frozen silo's process should end itself once it learns it was declared dead; its log:\n{frozen.Log}");
        Assert.Equal(DeadStatus, await MembershipStatusAsync(frozenIncarnation));
        Assert.Equal("Active", await _database.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", slug));
        Assert.Equal(
            ["Active"],
            (await survivor.Http.GetFromJsonAsync<ClusterResponse>("/v1/cluster", TenantsClient.Json))!.Silos.Where(s => s.Status != "Dead").Select(s => s.Status));
    }

    private const int DeadStatus = 6;

    private Task<int> MembershipStatusAsync(string siloKey) =>
        _database.ScalarAsync<int>("SELECT status FROM orleans.membership WHERE silo_key = $1", siloKey);

    private static TenantsClient Tenants(SiloProcess silo) => new(silo.Http, ownsHttp: false);

    private Task<long> CountAsync(string prefix, string state) =>
        _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug LIKE $1 AND state = $2", $"{prefix}_%", state);

    private async Task<string> LeaseOwnerAsync(string slug) =>
        (await _database.QueryAsync<string>("SELECT coalesce(lease_owner, '') FROM controlplane.tenants WHERE slug = $1", slug)).SingleOrDefault() ?? string.Empty;
}
