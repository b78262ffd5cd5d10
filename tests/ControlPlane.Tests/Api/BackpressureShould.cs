using System.Net;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Api;

public sealed class BackpressureShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task AnswerACallToAGrainOverOrleansQueueLimitWith503AndRetryAfter()
    {
        var slug = TestSlugs.New("busy");
        var gate = new StepGate(slug, WorkUnit.Seed, crash: false);
        await using var silo = new SiloFactory(
            _database.ConnectionString,
            new Dictionary<string, string?>
            {
                ["Orleans:Messaging:MaxEnqueuedRequestsHardLimit"] = "1",

                // No sweeps during the test: a sweep's wake-up queues the tenant's next drive turn behind the held one,
                // which would take the one waiting slot meant for the first call.
                ["ControlPlane:Provisioning:SweepInterval"] = "01:00:00",

                // The gate holds the drive between two steps, which a build in one transaction does not have.
                ["ControlPlane:Provisioning:BuildInOneTransaction"] = "false",
            },
            s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        using var created = await client.CreateAsync(slug, "Busy Ltd");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // The grain's turn is held inside its drive (one request); one more may wait for it (Orleans' hard limit of 1
        // counts both), the next is refused while the drive still holds. The second call is sent once the first is
        // counted: Orleans checks the limit before it queues, so two calls arriving together could both pass.
        var grain = silo.Grains.GetGrain<ITenantGrain>(slug).GetGrainId();
        Assert.Equal(1, ActivationRequests.RequestCount(silo.Services, grain));
        var served = client.PostActionAsync(slug, "suspend");
        await Eventually.HoldsAsync(
            () => Task.FromResult(ActivationRequests.RequestCount(silo.Services, grain) == 2),
            $"the first call to the busy grain of '{slug}' to be queued behind its drive",
            TimeSpan.FromSeconds(30),
            () => Task.FromResult($"{ActivationRequests.RequestCount(silo.Services, grain)} requests; first call {served.Status}"));
        using var refused = await client.PostActionAsync(slug, "suspend").WaitOrFailAsync(
            TimeSpan.FromSeconds(30), $"the second call to the busy grain of '{slug}' to be refused while the first waits");
        Assert.False(served.IsCompleted, "the first call was answered while the drive held the grain's turn");
        gate.Release();
        using var servedResponse = await served;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("too many requests waiting", (await Problem.ReadAsync(refused)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, servedResponse.StatusCode); // it ran after the drive finished: the tenant was Active
    }
}
