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
            Start(runner), List(runner), Get(runner), Watch(runner),
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
        var target = new Option<int?>("--target") { Description = "Migration version to reach (default: the newest)", HelpName = "version" };
        var maxParallel = new Option<int?>("--max-parallel") { Description = "Tenants migrated at once (default: the silo's connection budget)", HelpName = "n" };
        var waves = new Option<List<RolloutWaveRequest>>("--wave")
        {
            Description = "A wave, in order: name:size, or a name alone for the last (it takes the rest). Repeat: --wave canary:20 --wave rest",
            HelpName = "name[:size]",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var parsed = new List<RolloutWaveRequest>();
                foreach (var token in result.Tokens)
                {
                    if (!WaveSpec.TryParse(token.Value, out var wave, out var error))
                    {
                        result.AddError(error);
                        return null;
                    }

                    parsed.Add(wave);
                }

                return parsed;
            },
        };
        var threshold = new Option<double?>("--failure-threshold")
        {
            Description = "Share of a wave that may fail before the rollout halts: a fraction (0.02) or a percentage (2%); default 0",
            HelpName = "fraction",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (FailureThreshold.TryParse(text, out var fraction))
                {
                    return fraction;
                }

                result.AddError($"'{text}' is not a fraction (0.02) or a percentage (2%).");
                return null;
            },
        };
        var notBefore = new Option<string?>("--not-before")
        {
            Description = "Start no earlier than this time, ISO 8601 with an offset (2026-12-24T02:00:00Z); Scheduled until then (at most a year ahead)",
            HelpName = "time",
        };
        var windows = new Option<List<MaintenanceWindowRequest>>("--window")
        {
            Description = "Dispatch tenants only inside this weekly window: [days] HH:mm-HH:mm [IANA zone], days like Mon-Fri, Sat,Sun or * (default every day, UTC); "
                + "a 'to' at or before 'from' crosses midnight. Outside every window the rollout is WaitingForWindow. Repeat for more: --window \"Mon-Fri 01:00-05:00 UTC\"",
            HelpName = "window",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var parsed = new List<MaintenanceWindowRequest>();
                foreach (var token in result.Tokens)
                {
                    if (!WindowSpec.TryParse(token.Value, out var window, out var error))
                    {
                        result.AddError(error);
                        return null;
                    }

                    parsed.Add(window);
                }

                return parsed;
            },
        };
        var watch = WatchOption();
        var timeout = TimeoutOption.Create();
        var command = new Command("start", "Start a rollout, now or later, optionally only inside maintenance windows; only one is open at a time")
        {
            target, maxParallel, waves, threshold, notBefore, windows, watch, timeout,
        };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            // No --wave leaves the waves to the server (one wave), rather than asking for none.
            var plan = context.Get(waves) is { Count: > 0 } given ? given : null;
            var request = new CreateRolloutRequest(
                context.Get(target), context.Get(maxParallel), plan, context.Get(threshold), context.Get(notBefore), context.Get(windows) is { Count: > 0 } w ? w : null);
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
