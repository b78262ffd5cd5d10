using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Silo;

[Collection(ProcessTests.Name)]
public sealed class RolloutCrashShould : IAsyncLifetime
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
    public async Task ResumeARolloutAfterTheSiloIsKilledMigratingEveryTenantExactlyOnce()
    {
        var settings = new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path };
        var prefix = TestSlugs.New("rc");
        var slugs = Enumerable.Range(0, 30).Select(i => $"{prefix}_{i:00}").ToArray();
        string id;
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "rollout-silo", settings);
        try
        {
            var tenants = new TenantsClient(silo.Http, ownsHttp: false);
            foreach (var response in await Task.WhenAll(slugs.Select(s => tenants.CreateAsync(s, $"{s} Ltd"))))
            {
                response.Dispose();
            }

            await Eventually.HoldsAsync(
                async () => await CountAsync("state = 'Active'") == slugs.Length,
                "every tenant Active",
                TimeSpan.FromSeconds(60),
                every: TimeSpan.FromMilliseconds(50));
            _migrations.Write("V0004__slow_owner.sql", "SELECT pg_sleep(0.15); ALTER TABLE components ADD COLUMN owner text;");
            using var started = await silo.Http.PostAsJsonAsync("/v1/rollouts", new { maxParallel = 2, waves = new object[] { new { name = "canary", tenants = 5 }, new { name = "rest" } } });
            id = (await started.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!.Id;
            await Eventually.HoldsAsync(
                async () => await CountAsync("migration_version = 4") >= 8,
                "some tenants migrated before the kill",
                TimeSpan.FromSeconds(60),
                every: TimeSpan.FromMilliseconds(50));
            await silo.KillAsync();
        }
        finally
        {
            await silo.DisposeAsync();
        }

        var migratedAtKill = await CountAsync("migration_version = 4");
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "rollout-silo", settings);
        var rollouts = new RolloutsClient(restarted.Http);
        var done = await rollouts.WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(90));

        Assert.True(migratedAtKill < slugs.Length, "the kill landed mid-rollout");
        Assert.Equal(30, done.Totals.Succeeded);
        Assert.Equal(30, await CountAsync("migration_version = 4"));
        Assert.Equal(30, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE version = 4"));
        Assert.Equal(30, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE detail LIKE 'applied V0004%'"));
    }

    private Task<long> CountAsync(string condition) =>
        _database.ScalarAsync<long>($"SELECT count(*) FROM controlplane.tenants WHERE {condition}");
}
