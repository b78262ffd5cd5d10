using System.Globalization;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Rollouts;

/// <summary>
/// Follows a rollout until it ends (Completed, Halted, Cancelled): an animated bar on a terminal, a line per change
/// elsewhere. The exit code says how it ended: 0 Completed, <see cref="ExitCodes.RolloutHalted"/>,
/// <see cref="ExitCodes.RolloutCancelled"/>.
/// </summary>
internal sealed class RolloutWatcher(CommandContext context)
{
    public async Task<int> WatchAsync(ApiResult<RolloutResponse> start, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var current = start;
        if (context.Json)
        {
            current = await FollowAsync(current, deadline, _ => { }, cancellationToken);
        }
        else if (context.Host.OutIsTerminal)
        {
            await context.Out.Live(RolloutViews.Progress(current.Value)).AutoClear(false).StartAsync(async live =>
            {
                current = await FollowAsync(current, deadline, rollout => live.UpdateTarget(RolloutViews.Progress(rollout)), cancellationToken);
            });
        }
        else
        {
            var last = Progress(current.Value);
            context.Out.WriteLine(RolloutViews.ProgressLine(current.Value));
            current = await FollowAsync(
                current,
                deadline,
                rollout =>
                {
                    // Rate and ETA drift on every read; print a line only when the state or the counts moved.
                    if (Progress(rollout) != last)
                    {
                        context.Out.WriteLine(RolloutViews.ProgressLine(rollout));
                        last = Progress(rollout);
                    }
                },
                cancellationToken);
        }

        return Report(current);
    }

    private static (string State, int Wave, RolloutCountsResponse Totals) Progress(RolloutResponse rollout) =>
        (rollout.State, rollout.CurrentWave, rollout.Totals);

    private async Task<ApiResult<RolloutResponse>> FollowAsync(
        ApiResult<RolloutResponse> current, DateTimeOffset? deadline, Action<RolloutResponse> show, CancellationToken cancellationToken)
    {
        // A rollout halts or is cancelled with tenants still in flight; wait for them so the failures printed are final.
        while (!RolloutStates.EndsWatch(current.Value.State) || current.Value.Totals.Running > 0)
        {
            if (deadline is { } end && DateTimeOffset.UtcNow >= end)
            {
                throw new CliException(
                    $"rollout {current.Value.Id} is still {current.Value.State} ({current.Value.Totals.Finished}/{current.Value.Totals.Total} tenants done) at --timeout; it goes on without you: controlplane rollouts watch {current.Value.Id}",
                    ExitCodes.TimedOut);
            }

            await Task.Delay(context.Host.PollInterval, cancellationToken);
            current = await context.Client.GetRolloutAsync(current.Value.Id, cancellationToken);
            show(current.Value);
        }

        return current;
    }

    private int Report(ApiResult<RolloutResponse> final)
    {
        var rollout = final.Value;
        if (context.Json)
        {
            context.WriteJson(final.Json);
        }

        var totals = rollout.Totals;
        // A scheduled rollout's time is counted from when it could start, not from when it was scheduled.
        var took = rollout.FinishedAt is { } finished ? $" in {Formats.Duration((finished - (rollout.NotBefore ?? rollout.CreatedAt)).TotalSeconds)}" : string.Empty;
        var summary = string.Create(CultureInfo.InvariantCulture, $"{totals.Succeeded} succeeded, {totals.Failed} failed, {totals.Skipped} skipped of {totals.Total}{took}");
        switch (rollout.State)
        {
            case RolloutStates.Completed:
                if (!context.Json)
                {
                    context.Out.MarkupLineInterpolated($"Rollout [bold]{rollout.Id}[/] to version {rollout.TargetVersion} [green]Completed[/]: {summary}.");
                    if (rollout.FailedTenants is { Count: > 0 } under)
                    {
                        context.Out.Write(RolloutViews.FailedTenants(under));
                    }
                }

                return ExitCodes.Success;
            case RolloutStates.Halted:
                context.Error.MarkupLineInterpolated($"[red]error:[/] rollout [bold]{rollout.Id}[/] to version {rollout.TargetVersion} [red]Halted[/]: {rollout.Reason ?? "no reason given"}");
                context.Error.MarkupLineInterpolated($"  {summary}");
                if (rollout.FailedTenants is { Count: > 0 } failed)
                {
                    context.Error.Write(RolloutViews.FailedTenants(failed));
                }

                context.Error.MarkupLineInterpolated(
                    $"[grey]hint: fix the cause, then: controlplane rollouts retry-failed {rollout.Id} --watch (or resume, or cancel)[/]");
                return ExitCodes.RolloutHalted;
            default:
                context.Error.MarkupLineInterpolated($"[yellow]rollout {rollout.Id} was {rollout.State}[/]{(rollout.Reason is null ? string.Empty : ": " + rollout.Reason)}");
                context.Error.MarkupLineInterpolated($"  {summary}");
                return ExitCodes.RolloutCancelled;
        }
    }
}
