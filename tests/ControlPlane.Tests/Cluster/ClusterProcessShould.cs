using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;
using Xunit.Abstractions;

namespace ControlPlane.Tests.Cluster;

/// <summary>
/// Three silo processes on loopback ports, one killed with SIGKILL while tenants onboard and a rollout runs. Serialized
/// with the other process tests: they time what the survivors do.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ClusterProcessShould(ITestOutputHelper output) : IAsyncLifetime
{
    private const int TenantCount = 100;
    private readonly MigrationFolder _migrations = new();
    private readonly List<SiloProcess> _silos = [];
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _database.DisposeAsync();
        _migrations.Dispose();
    }

    [Fact]
    public async Task Finish_onboarding_and_the_rollout_when_one_of_three_silos_is_killed_mid_way()
    {
        var settings = new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path };
        for (var i = 0; i < 3; i++)
        {
            _silos.Add(await SiloProcess.StartAsync(_database.ConnectionString, $"proc-{i}", settings));
        }

        var prefix = TestSlugs.New("pc");
        var slugs = Enumerable.Range(0, TenantCount).Select(i => $"{prefix}_{i:000}").ToArray();
        var (early, late) = (slugs[..50], slugs[50..]);

        // The first half onboards at V3; then V0004 ships and a rollout takes them to it while the second half
        // onboards (straight to V4) through every silo.
        await CreateAsync(early);
        await Eventually.HoldsAsync(async () => await CountAsync("state = 'Active'") == early.Length, "the first 50 tenants Active", TimeSpan.FromSeconds(180));
        _migrations.Write("V0004__slow_owner.sql", "SELECT pg_sleep(0.1); ALTER TABLE components ADD COLUMN owner text;");
        var rolloutId = await new RolloutsClient(_silos[0].Http).StartOkAsync(new { maxParallel = 2 });
        var onboarding = CreateAsync(late);
        await Eventually.HoldsAsync(async () => await CoordinatorAsync(rolloutId) != string.Empty, "a silo to coordinate the rollout");
        var coordinator = await CoordinatorAsync(rolloutId);
        var victim = _silos.Single(s => coordinator.StartsWith(s.LeasePrefix, StringComparison.Ordinal));
        await onboarding;
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = ANY($1) AND migration_version = 4", (object)early) >= 10,
            "ten of the rollout's tenants at V4 before the kill");
        await victim.KillAsync();
        var killedAt = System.Diagnostics.Stopwatch.StartNew();
        var rolloutAtKill = await _database.ScalarAsync<string>("SELECT state FROM controlplane.rollouts WHERE id = $1", rolloutId);
        var atKill = await CountAsync("state = 'Active' AND migration_version = 4");
        var survivors = _silos.Where(s => s != victim).ToList();

        // Takeover: the killed silo's rollout is coordinated by a survivor (Orleans declared it dead, the fence freed its lease).
        await Eventually.HoldsAsync(
            async () => await CoordinatorAsync(rolloutId) is { Length: > 0 } owner && !owner.StartsWith(victim.LeasePrefix, StringComparison.Ordinal),
            "a survivor to coordinate the rollout",
            TimeSpan.FromSeconds(60),
            every: TimeSpan.FromMilliseconds(50));
        var takeover = killedAt.Elapsed;
        output.WriteLine($"takeover after kill -9: {takeover.TotalSeconds:0.0} s (membership defaults: ProbeTimeout 2 s, NumMissedProbesLimit 3, TableRefreshTimeout 5 s)");

        var done = await new RolloutsClient(survivors[0].Http).WaitForStateAsync(rolloutId, RolloutState.Completed, TimeSpan.FromSeconds(240));
        await Eventually.HoldsAsync(
            async () => await CountAsync("state = 'Active' AND migration_version = 4") == TenantCount,
            "every tenant Active at V4",
            TimeSpan.FromSeconds(240),
            async () => string.Join(", ", await _database.QueryAsync<string>(
                "SELECT slug || ':' || state || ':' || migration_version FROM controlplane.tenants WHERE slug LIKE $1 AND (state <> 'Active' OR migration_version <> 4)", prefix + "%")));
        var cluster = await survivors[1].Http.GetFromJsonAsync<ClusterResponse>("/v1/cluster", TenantsClient.Json);

        Assert.True(takeover < TimeSpan.FromSeconds(15), $"a survivor took the rollout over {takeover.TotalSeconds:0.0} s after the kill; the target is 15 s");
        Assert.Equal("Running", rolloutAtKill);
        Assert.True(atKill < TenantCount, "the kill landed before every tenant was at V4");
        Assert.Equal(early.Length, done.Totals.Succeeded);
        Assert.Equal(0, done.Totals.Failed);
        Assert.True(await _database.ScalarAsync<long>(
            "SELECT count(*) FROM controlplane.tenant_events WHERE slug = ANY($1) AND detail LIKE 'applied V0004%' AND silo_id NOT LIKE $2", (object)early, victim.LeasePrefix + "%") > 0,
            "survivors migrated some of the rollout's tenants after the kill");
        foreach (var version in new[] { 1, 2, 3, 4 })
        {
            Assert.Equal(TenantCount, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug LIKE $1 AND version = $2", prefix + "%", version));
        }

        // Exactly once: one "applied" record per tenant and version, whoever applied it.
        Assert.Equal(0, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT slug FROM controlplane.tenant_events WHERE slug LIKE $1 AND detail LIKE 'applied V%' GROUP BY slug, split_part(detail, ' ', 2) HAVING count(*) > 1) d", prefix + "%"));
        Assert.Equal(TenantCount * 4, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug LIKE $1 AND detail LIKE 'applied V%'", prefix + "%"));
        Assert.Equal(TenantCount, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", $"tenant_{prefix}%"));
        Assert.Equal("Dead", Assert.Single(cluster!.Silos, s => s.SiloId == coordinator).Status);
        Assert.Equal(2, cluster.Silos.Count(s => s.Status == "Active"));
        Assert.All(cluster.Silos.Where(s => s.Status == "Active"), s => Assert.Equal($"127.0.0.1:{survivors.Single(p => s.Name == p.Name).SiloPort}", s.Address));
    }

    [Fact]
    public async Task Hand_work_off_at_once_when_a_silo_shuts_down_gracefully()
    {
        // The fence's heartbeat expiry is far longer than the test waits, and Orleans is not voting anyone dead: only the
        // graceful hand-off (the leaving silo is ShuttingDown, so its leases no longer count) can explain the takeover.
        _migrations.Write("V0004__slow_marks.sql", "SELECT pg_sleep(0.5); CREATE TABLE marks (id int PRIMARY KEY);");
        var settings = new Dictionary<string, string>
        {
            ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path,
            ["ControlPlane__Fence__HeartbeatExpiry"] = "00:02:00",

            // Leases are held between units; a tenant built in one transaction would hold none to hand off.
            ["ControlPlane__Provisioning__BuildInOneTransaction"] = "false",
        };
        var leaving = await SiloProcess.StartAsync(_database.ConnectionString, "leaving", settings);
        _silos.Add(leaving);
        var staying = await SiloProcess.StartAsync(_database.ConnectionString, "staying", settings);
        _silos.Add(staying);
        var prefix = TestSlugs.New("hand");
        var slugs = Enumerable.Range(0, 12).Select(i => $"{prefix}_{i:00}").ToArray();
        await CreateOnAsync(leaving, slugs);
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE lease_owner LIKE $1", leaving.LeasePrefix + "%") > 0,
            "the leaving silo to be driving tenants");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await leaving.StopAsync();
        var unfinished = await CountAsync("state <> 'Active'");
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE silo_id LIKE $1", staying.LeasePrefix + "%") > 0,
            "the staying silo to take a tenant over",
            TimeSpan.FromSeconds(60),
            every: TimeSpan.FromMilliseconds(50));
        output.WriteLine($"takeover after SIGTERM: {stopping.Elapsed.TotalSeconds:0.0} s from the signal (the stop itself included)");
        await Eventually.HoldsAsync(async () => await CountAsync("state = 'Active' AND migration_version = 4") == slugs.Length, "every tenant Active at V4 after the hand-off", TimeSpan.FromSeconds(90));

        Assert.True(unfinished > 0, "the shutdown landed while tenants were still provisioning");
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE lease_owner LIKE $1", leaving.LeasePrefix + "%"));
        Assert.Equal(6, await _database.ScalarAsync<int>("SELECT status FROM orleans.membership WHERE silo_name = 'leaving'"));
        Assert.True(await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE silo_id LIKE $1 AND to_state = 'Active'", staying.LeasePrefix + "%") > 0);
        Assert.Equal(slugs.Length, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4"));
        Assert.Equal(slugs.Length, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE detail LIKE 'applied V0004%'"));
    }

    private static async Task CreateOnAsync(SiloProcess silo, IEnumerable<string> slugs)
    {
        var tenants = new TenantsClient(silo.Http, ownsHttp: false);
        foreach (var response in await Task.WhenAll(slugs.Select(s => tenants.CreateAsync(s, $"{s} Ltd"))))
        {
            Assert.True(response.IsSuccessStatusCode, $"POST: {(int)response.StatusCode}");
            response.Dispose();
        }
    }

    private async Task CreateAsync(IEnumerable<string> slugs)
    {
        // Spread over the silos, a few at a time (bounded, as a real client would be).
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(slugs.Select(async (slug, i) =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await new TenantsClient(_silos[i % _silos.Count].Http, ownsHttp: false).CreateAsync(slug, $"{slug} Ltd");
                Assert.True(response.IsSuccessStatusCode, $"POST {slug}: {(int)response.StatusCode}");
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private Task<long> CountAsync(string condition) =>
        _database.ScalarAsync<long>($"SELECT count(*) FROM controlplane.tenants WHERE {condition}");

    private async Task<string> CoordinatorAsync(string rolloutId) =>
        (await _database.QueryAsync<string>("SELECT coalesce(lease_owner, '') FROM controlplane.rollouts WHERE id = $1", rolloutId)).SingleOrDefault() ?? string.Empty;
}
