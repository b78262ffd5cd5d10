using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Grains;

/// <summary>
/// A tenant whose provisioning stops between steps ends exactly as if nothing had happened. The silos that stop
/// commit each step on its own (a build in one transaction has no "between").
/// </summary>
public sealed class CrashResumeShould : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> StepByStep = new() { ["ControlPlane:Provisioning:BuildInOneTransaction"] = "false" };

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task ResumeAGrainThatStoppedBetweenStepsOnTheNextSweep()
    {
        var slug = TestSlugs.New("stop");
        var gate = new StepGate(slug, WorkUnit.Seed, crash: true);
        await using var silo = new SiloFactory(_database.ConnectionString, StepByStep, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();

        using var created = await client.CreateAsync(slug, "Stop Ltd");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        gate.Release();
        var active = await client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.Equal(1, gate.Crashes);
        await AssertProvisionedExactlyOnceAsync(slug, active);
    }

    [Fact]
    public async Task ResumeOnAnotherSiloATenantLeftMidWayByAStoppedSilo()
    {
        var slug = TestSlugs.New("handoff");
        var gate = new StepGate(slug, WorkUnit.Seed, crash: false);
        var first = new SiloFactory(_database.ConnectionString, StepByStep, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using (var client = first.CreateAdminClient())
        {
            using var created = await client.CreateAsync(slug, "Handoff Ltd");
            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(TenantStatus.Migrated, (await client.GetAsync(slug))!.State);
        }

        await first.DisposeAsync();
        await using var second = new SiloFactory(_database.ConnectionString);
        using var secondClient = second.CreateAdminClient();
        var active = await secondClient.WaitForStateAsync(slug, TenantStatus.Active);

        await AssertProvisionedExactlyOnceAsync(slug, active);
        var silos = await _database.QueryAsync<string>(
            "SELECT DISTINCT silo_id FROM controlplane.tenant_events WHERE slug = $1 AND to_state IN ('Seeded', 'Active')", slug);
        Assert.Equal([second.SiloId], silos);
    }

    private async Task AssertProvisionedExactlyOnceAsync(string slug, ControlPlane.Api.Contracts.TenantResponse active)
    {
        Assert.Equal(3, active.MigrationVersion);
        Assert.DoesNotContain(active.Timeline, e => e.To == TenantStatus.Failed);
        foreach (var state in new[] { TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active })
        {
            Assert.Equal(1, active.Timeline.Count(e => e.To == state && e.From != state));
        }

        Assert.Equal([1, 2, 3], await _database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        Assert.Equal(1, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
        Assert.Equal(6, await _database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.cloud_providers"));
    }
}
