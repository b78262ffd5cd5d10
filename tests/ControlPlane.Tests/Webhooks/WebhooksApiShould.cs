using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Webhooks;

/// <summary>The webhooks resource: validation, reads without secrets, removal, and the outbox's cost when nobody listens.</summary>
public sealed class WebhooksApiShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private HttpClient Http => fixture.Client.Http;

    [Theory]
    [InlineData("ftp://example.com/hook", "tenant.active", "0123456789abcdef", "url")]
    [InlineData("/relative/hook", "tenant.active", "0123456789abcdef", "url")]
    [InlineData("https://example.com/hook", "tenant.exploded", "0123456789abcdef", "events[1]")]
    [InlineData("https://example.com/hook", null, "0123456789abcdef", "events")]
    [InlineData("https://example.com/hook", "tenant.active", "too-short", "secret")]
    public async Task Refuse_a_webhook_naming_the_bad_field(string url, string? secondEvent, string secret, string field)
    {
        var events = secondEvent is null ? Array.Empty<string>() : ["rollout.completed", secondEvent];

        using var response = await Http.PostAsJsonAsync("/v1/webhooks", new { url, events, secret });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal([field], problem.Errors!.Keys);
    }

    [Fact]
    public async Task List_and_show_a_webhook_without_its_secret_and_forget_it_once_removed()
    {
        const string secret = "list-secret-0123456789";
        using var created = await Http.PostAsJsonAsync("/v1/webhooks", new { url = "https://hooks.example.com/cp", events = new[] { "rollout.halted" }, secret });
        var hook = (await created.Content.ReadFromJsonAsync<WebhookResponse>(TenantsClient.Json))!;

        var listed = await Http.GetStringAsync("/v1/webhooks");
        var shown = await Http.GetFromJsonAsync<WebhookResponse>($"/v1/webhooks/{hook.Id}", TenantsClient.Json);
        using var removed = await Http.DeleteAsync($"/v1/webhooks/{hook.Id}");
        using var gone = await Http.GetAsync($"/v1/webhooks/{hook.Id}");
        using var goneDeliveries = await Http.GetAsync($"/v1/webhooks/{hook.Id}/deliveries");
        using var removedAgain = await Http.DeleteAsync($"/v1/webhooks/{hook.Id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(hook.Id.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Equal(("https://hooks.example.com/cp", "rollout.halted", 0), (shown!.Url, Assert.Single(shown.Events), shown.Pending));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, goneDeliveries.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        Assert.Contains(
            "webhook.create",
            await fixture.Database.QueryAsync<string>("SELECT action FROM controlplane.audit_log WHERE target = $1", hook.Id.ToString()));
    }

    [Fact]
    public async Task Write_no_outbox_event_for_a_change_no_webhook_subscribes_to()
    {
        using var created = await Http.PostAsJsonAsync("/v1/webhooks", new { url = "https://hooks.example.com/halts", events = new[] { "rollout.halted" }, secret = "halts-only-0123456789" });
        var hook = (await created.Content.ReadFromJsonAsync<WebhookResponse>(TenantsClient.Json))!;
        var slug = TestSlugs.New("quiet");

        await fixture.Client.OnboardAsync(slug);

        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.webhook_events WHERE subject = $1", $"tenant:{slug}"));
        (await Http.DeleteAsync($"/v1/webhooks/{hook.Id}")).Dispose();
    }
}
