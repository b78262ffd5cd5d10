using System.CommandLine;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Webhooks;

/// <summary><c>controlplane webhooks add|list|show|remove|deliveries</c>: subscriptions to tenant and rollout events.</summary>
internal static class WebhooksCommand
{
    private const int MaxPageSize = 500;

    private const string EventNames =
        "tenant.active, tenant.failed, tenant.deleted, rollout.started, rollout.wave.completed, rollout.halted, rollout.completed, or * for all";

    public static Command Create(CommandRunner runner)
    {
        var webhooks = new Command("webhooks", "Send tenant and rollout events to a URL: signed, at least once, in order per tenant and per rollout")
        {
            Add(runner), List(runner), Show(runner), Remove(runner), Deliveries(runner),
        };
        webhooks.Aliases.Add("webhook");
        return webhooks;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The webhook's id" };

    private static Command Add(CommandRunner runner)
    {
        var url = new Option<string>("--url") { Description = "Where deliveries are POSTed (absolute http or https URL)", Required = true };
        var events = new Option<List<string>>("--event")
        {
            Description = $"An event to receive (repeat): {EventNames}",
            HelpName = "name",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var secret = new Option<string>("--secret")
        {
            Description = "16-256 characters; each delivery carries X-ControlPlane-Signature: sha256=<HMAC-SHA256 of the body with it>. Not shown again",
            Required = true,
        };
        var command = new Command("add", "Subscribe a URL to events (the events of changes committed from now on)") { url, events, secret };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var hook = await context.Client.CreateWebhookAsync(
                new CreateWebhookRequest(context.Get(url)!, context.Get(events)!, context.Get(secret)!), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(hook.Json);
            }
            else
            {
                context.Out.MarkupLineInterpolated($"Webhook [bold]{hook.Value.Id}[/] sends {string.Join(", ", hook.Value.Events)} to {hook.Value.Url} (secret {hook.Value.SecretHint}…)");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "Every webhook, without secrets");
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var hooks = await context.Client.ListWebhooksAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(hooks.Json);
            }
            else
            {
                context.Out.Write(WebhookViews.List(hooks.Value.Items));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var id = IdArgument();
        var command = new Command("show", "One webhook: its URL, events, secret hint and pending deliveries") { id };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var hook = await context.Client.GetWebhookAsync(context.Get(id), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(hook.Json);
            }
            else
            {
                context.Out.Write(WebhookViews.List([hook.Value]));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Remove(CommandRunner runner)
    {
        var id = IdArgument();
        var command = new Command("remove", "Remove a webhook: nothing more is sent to it, and its pending deliveries go with it") { id };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            await context.Client.DeleteWebhookAsync(context.Get(id), cancellationToken);
            context.Out.MarkupLineInterpolated($"Webhook {context.Get(id)} removed.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Deliveries(CommandRunner runner)
    {
        var id = IdArgument();
        var limit = new Option<int>("--limit") { Description = $"Attempts to show (1-{MaxPageSize})", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxPageSize)
            {
                r.AddError($"--limit must be between 1 and {MaxPageSize}.");
            }
        });
        var after = new Option<string?>("--after") { Description = "Older attempts: the cursor a previous page printed" };
        var command = new Command("deliveries", "Delivery attempts newest first: event, try, status code, latency, next try, error") { id, limit, after };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var page = await context.Client.ListWebhookDeliveriesAsync(context.Get(id), context.Get(limit), context.Get(after), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(page.Json);
                return ExitCodes.Success;
            }

            context.Out.Write(WebhookViews.Deliveries(page.Value.Items));
            if (page.Value.Next is { } next)
            {
                context.Out.MarkupLineInterpolated($"[grey]Older: --after {next}[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
