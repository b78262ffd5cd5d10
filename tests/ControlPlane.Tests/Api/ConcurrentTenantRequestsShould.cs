using System.Collections.Concurrent;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class ConcurrentTenantRequestsShould : IAsyncLifetime
{
    private const int Tenants = 20;
    private const int RowsPerTenant = 5;
    private const int Requests = 600;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task AnswerEveryInterleavedRequestWithOnlyItsOwnTenantsRows()
    {
        // 20 tenants over a budget of 6 warm pools: pools are evicted and reopened all the time while requests overlap.
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["ControlPlane:Tenants:PoolSize"] = "2",
            ["ControlPlane:Tenants:MaxConnections"] = "12",
        });
        using var admin = silo.CreateAdminClient();
        var slugs = Enumerable.Range(0, Tenants).Select(_ => TestSlugs.New("conc")).ToArray();
        await Parallel.ForEachAsync(slugs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (slug, _) => await admin.OnboardAsync(slug, timeout: TimeSpan.FromSeconds(60)));
        var clients = slugs.ToDictionary(s => s, s => TenantTokens.ClientFor(silo, s));
        await Parallel.ForEachAsync(slugs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (slug, ct) =>
        {
            for (var i = 0; i < RowsPerTenant; i++)
            {
                using var created = await clients[slug].PostAsJsonAsync("/v1/me/components", new { name = $"{slug}-marker-{i}" }, ct);
                created.EnsureSuccessStatusCode();
            }
        });
        var leaks = new ConcurrentBag<string>();
        var order = Enumerable.Range(0, Requests).Select(i => slugs[(i * 7) % Tenants]).ToArray();

        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (slug, ct) =>
        {
            var page = await clients[slug].GetFromJsonAsync<TenantRowListResponse>("/v1/me/components?limit=50", TenantsClient.Json, ct);
            var names = page!.Items.Select(r => r["name"]!.ToString()!).ToList();
            if (names.Count != RowsPerTenant || names.Any(n => !n.StartsWith(slug + "-marker-", StringComparison.Ordinal)))
            {
                leaks.Add($"{slug} saw [{string.Join(", ", names)}]");
            }

            var me = await clients[slug].GetFromJsonAsync<MeResponse>("/v1/me", TenantsClient.Json, ct);
            if (me!.Tenant != slug)
            {
                leaks.Add($"{slug} was told it is {me.Tenant}");
            }
        });
        var evictions = silo.Service<TenantPoolBudget>().Evictions;

        Assert.Empty(leaks);
        Assert.True(evictions > 0, $"20 tenants over 6 pool slots should have evicted pools; evictions: {evictions}");
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }
}
