using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Webhooks;

/// <summary>Deliveries to a real HTTP receiver that is down for a while and then back.</summary>
public sealed class WebhookDeliveryShould
{
    private const string Secret = "whsec-test-0123456789abcdef";
    private const int Refused = 4;

    [Fact]
    public async Task Deliver_every_event_signed_and_in_order_per_tenant_and_rollout_once_a_receiver_that_answered_503_recovers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Accepts = ordinal => ordinal > Refused;
        await using var fixture = await RolloutFixture.StartAsync(WebhookTimings.InProcess);
        var http = fixture.Tenants.Http;
        using var created = await http.PostAsJsonAsync("/v1/webhooks", new
        {
            url = receiver.Url,
            events = new[] { "tenant.active", "tenant.deleted", "rollout.started", "rollout.wave.completed", "rollout.completed" },
            secret = Secret,
        });
        var hook = (await created.Content.ReadFromJsonAsync<WebhookResponse>(TenantsClient.Json))!;

        var slugs = await fixture.OnboardAsync("hook", 3);
        using (var deleted = await http.DeleteAsync($"/v1/tenants/{slugs[0]}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        }

        await fixture.Tenants.WaitForStateAsync(slugs[0], TenantStatus.Deleted);
        fixture.Migrations.Write("V0004__hooked.sql", "CREATE TABLE hooked (id int PRIMARY KEY);");
        var rollout = await fixture.Rollouts.StartOkAsync(new { waves = new object[] { new { name = "canary", tenants = 1 }, new { name = "rest" } } });
        await fixture.Rollouts.WaitForStateAsync(rollout, RolloutState.Completed);
        var expected = new Dictionary<string, string[]>
        {
            [$"tenant:{slugs[0]}"] = ["tenant.active", "tenant.deleted"],
            [$"tenant:{slugs[1]}"] = ["tenant.active"],
            [$"tenant:{slugs[2]}"] = ["tenant.active"],
            [$"rollout:{rollout}"] = ["rollout.started", "rollout.wave.completed", "rollout.wave.completed", "rollout.completed"],
        };
        var accepted = await Eventually.ReadsAsync(
            () => Task.FromResult(receiver.Accepted),
            a => a.DistinctBy(r => r.Id).Count() == expected.Values.Sum(v => v.Length),
            "every event to be accepted by the receiver",
            a => string.Join(", ", a.Select(r => $"{r.Type} {r.Subject}")),
            TimeSpan.FromSeconds(60));
        var deliveries = await Eventually.ReadsAsync(
            () => http.GetFromJsonAsync<WebhookDeliveryListResponse>($"/v1/webhooks/{hook.Id}/deliveries?limit=500", TenantsClient.Json)!,
            d => d!.Items.Count(i => i.DeliveredAt is not null) == accepted.Count,
            "every delivery to be recorded",
            d => $"{d!.Items.Count} attempts",
            TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v1/webhooks/{hook.Id}", created.Headers.Location?.OriginalString);
        Assert.DoesNotContain(Secret, await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(WebhookSignature.Hint(Secret), hook.SecretHint);

        // In order per subject: the first acceptance of each event, grouped by tenant or rollout.
        var order = accepted.DistinctBy(r => r.Id).GroupBy(r => r.Subject).ToDictionary(g => g.Key, g => g.Select(r => r.Type).ToArray());
        Assert.Equal(expected.OrderBy(p => p.Key), order.OrderBy(p => p.Key));

        // Signed, labelled, and any repeat is the same event byte for byte.
        var received = receiver.Received;
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(Secret, r.Body, r.Signature), $"signature of {r.Text}"));
        Assert.All(received, r => Assert.Equal((r.Id, r.Type), (r.DeliveryId, r.EventType)));
        Assert.All(received.GroupBy(r => r.Id), g => Assert.Single(g.Select(r => r.Text).Distinct()));
        Assert.Equal(Refused, received.Count(r => r.Answered == 503));

        var active = accepted.First(r => r.Subject == $"tenant:{slugs[1]}").Json.GetProperty("tenant");
        Assert.Equal(("Active", 3), (active.GetProperty("state").GetString(), active.GetProperty("version").GetInt32()));
        var waves = accepted.Where(r => r.Type == "rollout.wave.completed").Select(r => r.Json.GetProperty("rollout").GetProperty("wave").GetProperty("name").GetString());
        Assert.Equal(["canary", "rest"], waves);
        var completed = accepted.Single(r => r.Type == "rollout.completed").Json.GetProperty("rollout");
        Assert.Equal(("Completed", 2), (completed.GetProperty("state").GetString(), completed.GetProperty("counts").GetProperty("succeeded").GetInt32()));

        // The deliveries endpoint shows the refused attempts with their status and next try, newest first.
        var items = deliveries!.Items;
        var failed = items.Where(i => i.StatusCode == 503).ToList();
        Assert.Equal(Refused, failed.Count);
        Assert.All(failed, f => Assert.True(f.NextTry is not null && f.DeliveredAt is null && f.Error == "HTTP 503 Service Unavailable", $"{f}"));
        Assert.Equal(items.Select(i => i.Id).OrderDescending(), items.Select(i => i.Id));
        Assert.Equal(accepted.Count, items.Count(i => i.StatusCode == 200 && i.Error is null && i.NextTry is null));
    }
    [Fact]
    public async Task Announce_a_halt_and_a_rollout_with_nothing_to_do_as_started_then_halted_and_started_then_completed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var fixture = await RolloutFixture.StartAsync(WebhookTimings.InProcess);
        var http = fixture.Tenants.Http;
        (await http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url, events = new[] { "*" }, secret = Secret })).Dispose();
        var slugs = await fixture.OnboardAsync("halting", 2, _ => new string('L', 60));
        fixture.Migrations.Write("V0004__short_team_names.sql", "ALTER TABLE teams ADD CONSTRAINT teams_name_short CHECK (length(name) <= 40);");

        // Validated as it is added, on purpose: the tenants whose names are too long fail, and the rollout halts.
        var halting = await fixture.Rollouts.StartOkAsync(new { failureThreshold = 0, acceptLint = new[] { "add-constraint-without-not-valid" } });
        await fixture.Rollouts.WaitForStateAsync(halting, RolloutState.Halted, also: r => r.Totals.Running == 0);
        (await fixture.Rollouts.ActAsync(halting, "cancel")).Dispose();
        var noOp = await fixture.Rollouts.StartOkAsync(new { targetVersion = 3 });
        var accepted = await Eventually.ReadsAsync(
            () => Task.FromResult(receiver.Accepted),
            a => a.Count(r => r.Subject == $"rollout:{noOp}") == 2,
            "the no-op rollout's two events",
            a => string.Join(", ", a.Select(r => $"{r.Type} {r.Subject}")),
            TimeSpan.FromSeconds(30));

        Assert.Equal(["rollout.started", "rollout.halted"], accepted.Where(r => r.Subject == $"rollout:{halting}").Select(r => r.Type));
        Assert.Equal(["rollout.started", "rollout.completed"], accepted.Where(r => r.Subject == $"rollout:{noOp}").Select(r => r.Type));
        var halted = accepted.Single(r => r.Type == "rollout.halted").Json.GetProperty("rollout");
        Assert.Equal(("Halted", 2), (halted.GetProperty("state").GetString(), halted.GetProperty("counts").GetProperty("failed").GetInt32()));

        // A failed upgrade leaves its tenants serving: no tenant event, only each one's tenant.active from onboarding.
        Assert.Equal(slugs.Select(s => $"tenant.active tenant:{s}").Order(), accepted.Where(r => r.Subject.StartsWith("tenant:", StringComparison.Ordinal)).Select(r => $"{r.Type} {r.Subject}").Order());
    }
}
