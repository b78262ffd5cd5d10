using System.Net.Http.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Silo;

public sealed class TenantPoolShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task CloseTheTenantsConnectionsWhenItsGrainIsDeactivatedForIdleness()
    {
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["Orleans:GrainCollection:CollectionAge"] = "00:00:02",
            ["Orleans:GrainCollection:CollectionQuantum"] = "00:00:00.250",
        });
        using var client = silo.CreateAdminClient();
        var slug = TestSlugs.New("pool");

        await client.OnboardAsync(slug);
        var check = await client.Http.GetFromJsonAsync<TenantConnectionCheck>($"/v1/tenants/{slug}/connection");
        var whileActive = await TenantConnectionsAsync(slug);
        var activeGrain = await silo.IsTenantGrainActiveAsync(slug);
        await Eventually.HoldsAsync(
            async () => !await silo.IsTenantGrainActiveAsync(slug) && await TenantConnectionsAsync(slug) == 0,
            $"tenant {slug}'s grain to be collected after 2 s idle and its pool closed",
            timeout: TimeSpan.FromSeconds(30));

        Assert.Equal($"tenant_{slug}", check!.User);
        Assert.Equal([$"tenant_{slug}"], check.SearchPath);
        Assert.True(activeGrain, "the tenant's grain is active right after onboarding");
        Assert.True(whileActive >= 1, $"the tenant pool holds a connection as role tenant_{slug} while the grain is active");
        Assert.False(await silo.IsTenantGrainActiveAsync(slug), $"grain of {slug} should be deactivated after 2 s idle");
        Assert.Equal(0, await TenantConnectionsAsync(slug));
    }

    private Task<long> TenantConnectionsAsync(string slug) =>
        _database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", $"tenant_{slug}");
}
