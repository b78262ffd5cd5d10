using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using Orleans.Runtime;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Tests.Cluster;

/// <summary>Three silos in one process on one database: any silo takes any request, and PostgreSQL keeps one writer per tenant.</summary>
public sealed class ClusterShould(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private TestDatabase Database => cluster.Database;

    [Fact]
    public async Task Create_one_schema_when_twenty_posts_race_across_three_silos()
    {
        var slug = TestSlugs.New("race3");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.Clients[i % ClusterFixture.Size].CreateAsync(slug, "Race Ltd")));
        var active = await cluster.Clients[1].WaitForStateAsync(slug, TenantStatus.Active, TimeSpan.FromSeconds(90));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"status {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}"));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND step = 'CreateSchema'", slug));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND to_state = 'Active'", slug));
        Assert.Equal(1, await Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
        Assert.Equal(active.MigrationVersion, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1", slug));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Serialize_retry_suspend_resume_and_migrate_of_one_tenant_sent_through_different_silos()
    {
        var slug = TestSlugs.New("ops3");
        await cluster.Clients[0].OnboardAsync(slug, timeout: TimeSpan.FromSeconds(90));
        // A migration that takes a while, so upgrades overlap the operator actions sent meanwhile.
        cluster.Migrations.Write("V0004__slow_team_notes.sql", "SELECT pg_sleep(0.3); ALTER TABLE teams ADD COLUMN notes text;");
        var (a, b, c) = (cluster.Clients[0], cluster.Clients[1], cluster.Clients[2]);

        var actions = Enumerable.Range(0, 4).SelectMany(_ => new[]
        {
            Answer(a.PostActionAsync(slug, "suspend")),
            Answer(b.PostActionAsync(slug, "resume")),
            Answer(c.PostActionAsync(slug, "retry")),
        });
        var upgrades = Enumerable.Range(0, 3).Select(i => Grain(i, slug).MigrateToAsync(4, null));
        var answers = await Task.WhenAll(actions);
        var outcomes = await Task.WhenAll(upgrades);
        using var finalResume = await b.PostActionAsync(slug, "resume");
        var finalUpgrade = await Grain(2, slug).MigrateToAsync(4, null);

        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        Assert.Equal(HttpStatusCode.OK, finalResume.StatusCode);
        Assert.Equal(4, finalUpgrade.Version);
        // Each upgrade is a turn of its own after the others: the first migrates, the rest find the tenant at version 4.
        Assert.Equal([.. Enumerable.Repeat((RolloutTenantStatus.Succeeded, 4, (string?)null), 3)], outcomes.Select(o => (o.Status, o.Version, o.Detail)));
        Assert.Equal([0, 0, 1], outcomes.Select(o => o.LockTries).Order()); // one ran the migration in one try, the others ran nothing
        var tenant = await c.GetAsync(slug);
        Assert.Equal(TenantStatus.Active, tenant!.State);
        Assert.Equal(4, tenant.MigrationVersion);
        Assert.True(await Database.ScalarAsync<bool>("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", $"tenant_{slug}"));
        Assert.Equal([1, 2, 3, 4], await Database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE 'applied V0004%'", slug));
        Assert.Equal(1, await Database.ScalarAsync<long>($"SELECT count(*) FROM pg_attribute WHERE attrelid = 'tenant_{slug}.teams'::regclass AND attname = 'notes'"));

        // Serialized turns leave an unbroken timeline: every change starts from the state the previous one ended in.
        var events = await Database.QueryAsync<string>(
            "SELECT coalesce(from_state, '-') || '>' || to_state FROM controlplane.tenant_events WHERE slug = $1 ORDER BY id", slug);
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Split('>')[0] == events[i - 1].Split('>')[1], $"event {i} ({events[i]}) does not follow event {i - 1} ({events[i - 1]}): {string.Join(", ", events)}");
        }

        Assert.Equal("Active", events[^1].Split('>')[1]);
        Assert.Contains("Active>Suspended", events);
        Assert.Equal(events.Count(e => e == "Active>Suspended"), events.Count(e => e == "Suspended>Active"));
    }

    [Fact]
    public async Task List_live_silos_first_then_a_silo_that_left_as_dead()
    {
        var leaving = cluster.NewSilo($"cluster-gone-{Guid.NewGuid().ToString("N")[..6]}");
        leaving.CreateClient().Dispose();
        await Eventually.HoldsAsync(async () => (await SilosAsync()).Any(s => s.Name == leaving.SiloName && s.Status == "Active" && s.ActiveGrains is not null), "the extra silo to heartbeat");
        await leaving.DisposeAsync();

        using var http = cluster.Silos[1].CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", await CreateKeyAsync("platform:read"));
        using var response = await http.GetAsync("/v1/cluster");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var silos = body.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.All(silos, s => Assert.Equal(
            ["siloId", "name", "address", "startedAt", "heartbeatAt", "status", "stoppedAt", "activeGrains"],
            s.EnumerateObject().Select(p => p.Name).ToArray()));
        foreach (var silo in cluster.Silos)
        {
            var live = Assert.Single(silos, s => s.GetProperty("name").GetString() == silo.SiloName && s.GetProperty("status").GetString() == "Active");
            Assert.Equal(silo.SiloId, live.GetProperty("siloId").GetString());
            Assert.Equal($"127.0.0.1:{silo.SiloPort}", live.GetProperty("address").GetString());
            Assert.Equal(JsonValueKind.Null, live.GetProperty("stoppedAt").ValueKind);
            Assert.Equal(JsonValueKind.Number, live.GetProperty("activeGrains").ValueKind);
            Assert.True(live.GetProperty("heartbeatAt").GetDateTimeOffset() >= live.GetProperty("startedAt").GetDateTimeOffset());
        }

        var gone = Assert.Single(silos, s => s.GetProperty("name").GetString() == leaving.SiloName);
        Assert.Equal("Dead", gone.GetProperty("status").GetString());
        Assert.True(gone.GetProperty("stoppedAt").GetDateTimeOffset() >= gone.GetProperty("heartbeatAt").GetDateTimeOffset().AddSeconds(-1));
        Assert.Equal(JsonValueKind.Null, gone.GetProperty("activeGrains").ValueKind);
        var statuses = silos.Select(s => s.GetProperty("status").GetString()).ToList();
        Assert.True(statuses.LastIndexOf("Active") < statuses.IndexOf("Dead"), $"live silos first: {string.Join(", ", statuses)}");
    }

    [Fact]
    public async Task Count_the_grains_each_silo_hosts()
    {
        var slug = TestSlugs.New("grains3");
        var host = cluster.Silos[2];
        var before = await ActiveGrainsShownAsync(host);

        await cluster.Clients[2].OnboardAsync(slug, timeout: TimeSpan.FromSeconds(90));
        var activations = (await cluster.Silos[0].Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Key.ToString() == slug && g.GrainType.Contains("TenantGrain", StringComparison.Ordinal))
            .Select(g => g.SiloAddress.ToParsableString())
            .ToList();
        var after = await ActiveGrainsShownAsync(host);

        // The tenant's grain was placed on the silo its first request reached, once in the cluster, and that silo's
        // count in the cluster view went up by it (Orleans' count, which includes the silo's own system targets).
        Assert.Equal([host.SiloId], activations);
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Refuse_the_cluster_view_without_a_platform_read_key()
    {
        using var anonymous = cluster.Silos[0].CreateClient();
        using var tenantCaller = cluster.Silos[0].CreateClient();
        var slug = TestSlugs.New("nokey");
        await cluster.Clients[0].OnboardAsync(slug, timeout: TimeSpan.FromSeconds(90));
        tenantCaller.DefaultRequestHeaders.Add("X-Api-Key", await CreateKeyAsync($"tenant:{slug}"));

        using var noKey = await anonymous.GetAsync("/v1/cluster");
        using var tenantKey = await tenantCaller.GetAsync("/v1/cluster");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tenantKey.StatusCode);
    }

    [Fact]
    public async Task Warn_at_start_when_the_live_silos_connection_budgets_exceed_max_connections()
    {
        var available = await Database.ScalarAsync<int>(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int");
        var overLogs = new LogCollector();
        var withinLogs = new LogCollector();

        // One silo whose tenant pools alone may open more than the server accepts; then one with a small budget.
        await using (var over = new SiloFactory(Database.ConnectionString, new Dictionary<string, string?> { ["ControlPlane:Tenants:MaxConnections"] = $"{available + 1}" }, s => s.AddSingleton<ILoggerProvider>(overLogs)))
        {
            over.CreateClient().Dispose();
        }

        var small = new Dictionary<string, string?> { ["ControlPlane:Tenants:PoolSize"] = "1", ["ControlPlane:Tenants:MaxConnections"] = "1" };
        await using (var within = new SiloFactory(Database.ConnectionString, small, s => s.AddSingleton<ILoggerProvider>(withinLogs)))
        {
            within.CreateClient().Dispose();
        }

        var warning = Assert.Single(overLogs.Messages, m => m.StartsWith("Connection budget:", StringComparison.Ordinal));
        Assert.Contains($"more than the {available} the server accepts", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(withinLogs.Messages, m => m.StartsWith("Connection budget:", StringComparison.Ordinal));
    }

    private async Task<int?> ActiveGrainsShownAsync(SiloFactory silo) =>
        (await SilosAsync()).Single(s => s.Name == silo.SiloName && s.Status == "Active").ActiveGrains;

    private ITenantGrain Grain(int silo, string slug) => cluster.Silos[silo].Service<IGrainFactory>().GetGrain<ITenantGrain>(slug);

    private static async Task<HttpStatusCode> Answer(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode;
    }

    private async Task<IReadOnlyList<SiloResponse>> SilosAsync() =>
        (await cluster.Clients[0].Http.GetFromJsonAsync<ClusterResponse>("/v1/cluster", TenantsClient.Json))!.Silos;

    private async Task<string> CreateKeyAsync(string scope)
    {
        using var created = await cluster.Clients[0].Http.PostAsJsonAsync("/v1/api-keys", new { name = $"cluster-{Guid.NewGuid():N}", scope });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(TenantsClient.Json))!.Key;
    }
}
