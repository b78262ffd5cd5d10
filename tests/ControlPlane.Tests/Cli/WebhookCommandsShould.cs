using System.Text.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane webhooks ...</c> run in-process against a real silo and database.</summary>
public sealed class WebhookCommandsShould(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>
{
    private readonly InProcessCli _cli = new(fixture.Silo);

    [Fact]
    public async Task Add_list_show_and_remove_a_webhook_without_ever_printing_its_secret()
    {
        const string secret = "cli-secret-0123456789abc";

        var added = await _cli.RunAsync("webhooks", "add", "--url", "https://hooks.example.com/cli", "--event", "rollout.halted", "--event", "rollout.completed", "--secret", secret, "--json");
        var id = JsonDocument.Parse(added.Out).RootElement.GetProperty("id").GetString()!;
        var listed = await _cli.RunAsync("webhooks", "list");
        var shown = await _cli.RunAsync("webhooks", "show", id);
        var deliveries = await _cli.RunAsync("webhooks", "deliveries", id);
        var removed = await _cli.RunAsync("webhooks", "remove", id);
        var gone = await _cli.RunAsync("webhooks", "show", id);
        var refused = await _cli.RunAsync("webhooks", "add", "--url", "https://hooks.example.com/cli", "--event", "tenant.exploded", "--secret", secret);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains(id, listed.PlainOut);
        Assert.Contains("rollout.halted, rollout.completed", shown.PlainOut);
        Assert.All(new[] { added, listed, shown }, r => Assert.DoesNotContain(secret, r.Out, StringComparison.Ordinal));
        Assert.True(deliveries.ExitCode == 0, deliveries.ToString());
        Assert.True(removed.ExitCode == 0 && removed.PlainOut.Contains($"Webhook {id} removed.", StringComparison.Ordinal), removed.ToString());
        Assert.True(gone.ExitCode == 5, gone.ToString());
        Assert.True(refused.ExitCode == 7 && refused.Error.Contains("events[0]", StringComparison.Ordinal), refused.ToString());
    }
}
