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
            },
            s => s.AddSingleton<ITenantWorkObserver>(gate));
        using var client = silo.CreateAdminClient();
        using var created = await client.CreateAsync(slug, "Busy Ltd");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // The grain's turn is held inside its drive; one call may wait for it (Orleans' hard limit), the next is refused.
        // Which of the two reaches the grain first is not ours to choose: the refused one is answered while the drive still holds.
        var first = client.PostActionAsync(slug, "suspend");
        var second = client.PostActionAsync(slug, "suspend");
        var answered = await Task.WhenAny(first, second).WaitOrFailAsync(TimeSpan.FromSeconds(30), $"one of two calls to the busy grain of '{slug}' to be refused while the other waits");
        gate.Release();
        using var refused = await answered;
        using var served = await (answered == first ? second : first);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("too many requests waiting", (await Problem.ReadAsync(refused)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode); // it ran after the drive finished: the tenant was Active
    }
}
