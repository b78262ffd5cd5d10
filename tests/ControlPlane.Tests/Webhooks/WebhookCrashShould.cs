using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Testing;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Webhooks;

/// <summary>
/// The outbox across a kill -9: an event recorded with its change but not yet delivered survives the silo and is
/// delivered by the next one exactly as recorded. Serialized with the other process tests (it kills one on purpose).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class WebhookCrashShould : IAsyncLifetime
{
    private const string Secret = "crash-secret-0123456789";
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Deliver_the_recorded_event_once_the_receiver_is_back_after_the_silo_is_killed_before_delivering_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var up = false;
        receiver.Accepts = _ => Volatile.Read(ref up);
        var slug = TestSlugs.New("outbox");
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "hooks-1", WebhookTimings.Environment);
        Guid hookId;
        try
        {
            using var created = await silo.Http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url, events = new[] { "*" }, secret = Secret });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            hookId = (await created.Content.ReadFromJsonAsync<WebhookResponse>(TenantsClient.Json))!.Id;
            using var tenants = new TenantsClient(silo.Http, ownsHttp: false);
            await tenants.OnboardAsync(slug);

            // Recorded with the change, tried and refused at least once: then the silo dies without a word.
            await Eventually.HoldsAsync(() => Task.FromResult(receiver.Received.Count >= 2), "the receiver to refuse the event twice", TimeSpan.FromSeconds(30));
            await silo.KillAsync();
        }
        finally
        {
            await silo.DisposeAsync();
        }

        var recorded = await _database.QueryAsync<string>("SELECT body FROM controlplane.webhook_events WHERE subject = $1", $"tenant:{slug}");
        var refusedBeforeKill = receiver.Received.Count;
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "hooks-2", WebhookTimings.Environment);
        Volatile.Write(ref up, true);
        var accepted = await Eventually.ReadsAsync(
            () => Task.FromResult(receiver.Accepted),
            a => a.Count >= 1,
            $"the event of {slug} to be delivered by the restarted silo",
            a => $"{receiver.Received.Count} requests, {a.Count} accepted",
            TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<string>("SELECT state FROM controlplane.webhook_deliveries WHERE webhook_id = $1", hookId) == "Delivered",
            "the delivery to be recorded Delivered",
            TimeSpan.FromSeconds(30));

        // Exactly what was recorded, with the same id: none lost, none invented (every request carried this one event).
        var body = Assert.Single(recorded);
        Assert.Equal(body, accepted[0].Text);
        Assert.Equal(("tenant.active", $"tenant:{slug}"), (accepted[0].Type, accepted[0].Subject));
        Assert.All(receiver.Received, r => Assert.Equal(body, r.Text));
        Assert.All(receiver.Received, r => Assert.True(WebhookSignature.Verify(Secret, r.Body, r.Signature)));
        Assert.True(refusedBeforeKill >= 2, "the event was refused before the kill");
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.webhook_events"));
        Assert.Equal("Active", await _database.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", slug));
    }
}
