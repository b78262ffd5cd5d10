using System.Net.Http.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Grains;

/// <summary>A clone whose copy fails half-way, or whose grain stops before it, ends with one complete copy.</summary>
public sealed class CloneCopyResumeShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Retry_a_copy_that_failed_half_way_to_one_complete_copy()
    {
        var clone = TestSlugs.New("halfway");
        var gate = new StepGate(clone, WorkUnit.Copy, crash: false);
        await using var silo = new SiloFactory(_database.ConnectionString, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        var source = await OnboardWithRowsAsync(client);

        using var created = await client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Half way", cloneFrom = source });
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // The copy fills the parent tables first; users (after teams) fails once, after rows were already inserted
        // (ALWAYS: a clone's copy runs as a replica, which skips ordinary triggers).
        await _database.ExecuteAsync(
            $"""
            CREATE SEQUENCE public.{clone}_fault;
            CREATE FUNCTION public.{clone}_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('public.{clone}_fault') = 1 THEN RAISE EXCEPTION 'test: the copy fails half-way'; END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER fail_once AFTER INSERT ON tenant_{clone}.users FOR EACH STATEMENT EXECUTE FUNCTION public.{clone}_fail_once();
            ALTER TABLE tenant_{clone}.users ENABLE ALWAYS TRIGGER fail_once;
            """);
        gate.Release();
        var active = await client.WaitForStateAsync(clone, TenantStatus.Active);

        var failed = Assert.Single(active.Timeline, e => e.To == TenantStatus.Failed);
        Assert.Equal(ProvisioningStep.Copy, failed.Step);
        Assert.Contains("the copy fails half-way", failed.Detail);
        Assert.Single(active.Timeline, e => e.Step == ProvisioningStep.Copy && e.To == TenantStatus.Seeded);
        Assert.Equal(await TenantSchemas.ChecksumsAsync(_database, $"tenant_{source}"), await TenantSchemas.ChecksumsAsync(_database, $"tenant_{clone}"));
    }

    [Fact]
    public async Task Resume_a_clone_whose_grain_stopped_before_the_copy()
    {
        var clone = TestSlugs.New("stopped");
        var gate = new StepGate(clone, WorkUnit.Copy, crash: true);
        await using var silo = new SiloFactory(_database.ConnectionString, services: s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        var source = await OnboardWithRowsAsync(client);

        using var created = await client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Stopped", cloneFrom = source });
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        gate.Release();
        var active = await client.WaitForStateAsync(clone, TenantStatus.Active);

        Assert.Equal(1, gate.Crashes);
        Assert.DoesNotContain(active.Timeline, e => e.To == TenantStatus.Failed);
        Assert.Equal(await TenantSchemas.ChecksumsAsync(_database, $"tenant_{source}"), await TenantSchemas.ChecksumsAsync(_database, $"tenant_{clone}"));
    }

    private async Task<string> OnboardWithRowsAsync(TenantsClient client)
    {
        var slug = TestSlugs.New("origin");
        await client.OnboardAsync(slug);
        await _database.ExecuteAsync(TenantSchemas.SampleRows($"tenant_{slug}", seeded: true));
        return slug;
    }
}
