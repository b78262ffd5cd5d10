using System.CommandLine;
using System.Globalization;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Rollouts;

/// <summary><c>controlplane rollouts ...</c> (or <c>rollout</c>): start, follow and steer migration rollouts.</summary>
internal static class RolloutsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var rollouts = new Command("rollouts", "Roll a migration out to every tenant in waves, and follow or steer it")
        {
            Plan(runner), Start(runner), List(runner), Get(runner), Watch(runner),
            Act(runner, "pause", "Stop dispatching tenants; those in flight finish", canWatch: false),
            Act(runner, "resume", "Continue a paused or halted rollout", canWatch: true),
            Act(runner, "cancel", "Stop the rollout for good; unmigrated tenants keep their version", canWatch: false),
            Act(runner, "retry-failed", "Put only the failed tenants back to pending and continue", canWatch: true),
        };
        rollouts.Aliases.Add("rollout");
        return rollouts;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The rollout's id" };

    private static Option<bool> WatchOption() => new("--watch", "-w")
    {
        Description = $"Follow it until it ends; exit 0 if Completed, {ExitCodes.RolloutHalted} if Halted, {ExitCodes.RolloutCancelled} if Cancelled",
    };

    private static Command Start(CommandRunner runner)
    {
        var options = new RolloutRequestOptions();
        var yes = new Option<bool>("--yes", "-y") { Description = "Start without asking (required when stdin is not a terminal)" };
        var watch = WatchOption();
        var timeout = TimeoutOption.Create();
        var command = new Command("start", "Print the plan, ask, and start a rollout, now or later; only one is open at a time") { yes, watch, timeout };
        options.AddTo(command);
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var request = options.Request(context);
            var confirmed = context.Get(yes);
            if (!confirmed || !context.Json)
            {
                // The same body, planned first: what is printed is what the start would do.
                var plan = await context.Client.PlanRolloutAsync(request, null, cancellationToken);
                context.Out.Write(RolloutViews.Plan(plan.Value));
            }

            if (!confirmed)
            {
                if (!context.Host.CanPrompt)
                {
                    context.Error.MarkupLine("[red]Not started:[/] rollout start asks for confirmation, and stdin is not a terminal. Pass --yes to start without asking.");
                    return ExitCodes.Usage;
                }

                if (!await new ConfirmationPrompt("Start this rollout?") { DefaultValue = false }.ShowAsync(context.Out, cancellationToken))
                {
                    context.Error.MarkupLine("Nothing started.");
                    return ExitCodes.Interrupted;
                }
            }

            var rollout = await context.Client.StartRolloutAsync(request, cancellationToken);
            if (!context.Json)
            {
                var value = rollout.Value;
                var sizes = string.Join(", ", value.Waves.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Name} {w.Size}")));
                var when = value.State switch
                {
                    RolloutStates.Scheduled => $"scheduled for {Formats.Time(value.NextRunAt ?? value.NotBefore)}",
                    RolloutStates.WaitingForWindow => $"waiting for its window (next run {Formats.Time(value.NextRunAt)})",
                    _ => "started",
                };
                context.Out.MarkupLineInterpolated(
                    $"Rollout [bold]{value.Id}[/] {when}: version {value.TargetVersion} to {value.Totals.Total} tenant(s) in {value.Waves.Count} wave(s) ({sizes}), {value.MaxParallel} at once, failure threshold {value.FailureThreshold.ToString("0.###", CultureInfo.InvariantCulture)}.");
            }

            return await AfterAsync(context, rollout, context.Get(watch), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Plan(CommandRunner runner)
    {
        var options = new RolloutRequestOptions();
        var tenant = new Option<string?>("--tenant") { Description = "Also say which wave this tenant lands in and what it receives", HelpName = "slug" };
        var command = new Command("plan", "What 'rollout start' with the same options would do now (waves, tenants, migrations, skips, drift); changes nothing") { tenant };
        options.AddTo(command);
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var plan = await context.Client.PlanRolloutAsync(options.Request(context), context.Get(tenant), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(plan.Json);
            }
            else
            {
                context.Out.Write(RolloutViews.Plan(plan.Value));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var limit = new Option<int>("--limit") { Description = "How many recent rollouts (1-100)", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "Recent rollouts, newest first") { limit };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var rollouts = await context.Client.ListRolloutsAsync(context.Get(limit), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(rollouts.Json);
            }
            else
            {
                context.Out.Write(RolloutViews.List(rollouts.Value));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = IdArgument();
        var command = new Command("get", "A rollout's state, per-wave and total counts, rate, ETA and failed tenants") { id };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var rollout = await context.Client.GetRolloutAsync(context.Get(id), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(rollout.Json);
            }
            else
            {
                RolloutViews.Details(context.Out, rollout.Value);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Watch(CommandRunner runner)
    {
        var id = IdArgument();
        var timeout = TimeoutOption.Create();
        var command = new Command(
            "watch",
            $"Follow a rollout live until it ends; exit 0 if Completed, {ExitCodes.RolloutHalted} if Halted, {ExitCodes.RolloutCancelled} if Cancelled") { id, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var rollout = await context.Client.GetRolloutAsync(context.Get(id), cancellationToken);
            return await new RolloutWatcher(context).WatchAsync(rollout, context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Act(CommandRunner runner, string action, string description, bool canWatch)
    {
        var id = IdArgument();
        var watch = WatchOption();
        var timeout = TimeoutOption.Create();
        var command = new Command(action, description) { id };
        if (canWatch)
        {
            command.Add(watch);
            command.Add(timeout);
        }

        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var rollout = await context.Client.ActOnRolloutAsync(context.Get(id), action, cancellationToken);
            if (!context.Json)
            {
                context.Out.MarkupLine($"Rollout [bold]{Markup.Escape(rollout.Value.Id)}[/] is {StateMarkup.Rollout(rollout.Value.State)}.");
            }

            return await AfterAsync(context, rollout, canWatch && context.Get(watch), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static async Task<int> AfterAsync(
        CommandContext context, ApiResult<RolloutResponse> rollout, bool watch, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (watch)
        {
            return await new RolloutWatcher(context).WatchAsync(rollout, timeout, cancellationToken);
        }

        if (context.Json)
        {
            context.WriteJson(rollout.Json);
        }
        else
        {
            context.Out.MarkupLineInterpolated($"[grey]Follow it: controlplane rollouts watch {rollout.Value.Id}[/]");
        }

        return ExitCodes.Success;
    }
}
