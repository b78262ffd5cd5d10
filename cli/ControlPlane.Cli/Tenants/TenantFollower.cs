using System.Globalization;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Tenants;

/// <summary>
/// Follows a tenant with the server's waiting GET (<c>If-None-Match</c> + <c>Prefer: wait</c>): no polling, each
/// answer is a change. Prints every new timeline entry and ends when the tenant's state is settled.
/// </summary>
internal sealed class TenantFollower(CommandContext context)
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    /// <summary>Follows from <paramref name="start"/> until settled and reports the outcome; returns the exit code.</summary>
    public async Task<int> FollowAsync(ApiResult<TenantResponse> start, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var current = start;
        var printed = 0;
        printed = Print(current.Value, printed);
        while (!TenantStates.IsSettled(current.Value))
        {
            var wait = LongestWait;
            if (deadline is { } end)
            {
                var remaining = end - DateTimeOffset.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    throw new CliException(
                        $"tenant {current.Value.Slug} is still {current.Value.State} after {Formats.Duration(timeout!.Value.TotalSeconds)} (--timeout).",
                        ExitCodes.TimedOut);
                }

                wait = remaining < wait ? remaining : wait;
            }

            if (await context.Client.WaitForTenantChangeAsync(current.Value.Slug, current.Value.Etag, wait, cancellationToken) is { } changed)
            {
                current = changed;
                printed = Print(current.Value, printed);
            }
        }

        return Report(current);
    }

    private int Print(TenantResponse tenant, int printed)
    {
        if (context.Json)
        {
            return printed;
        }

        var timeline = tenant.Timeline ?? [];
        for (var i = printed; i < timeline.Count; i++)
        {
            context.Out.MarkupLine(TenantViews.EventLine(tenant.Slug, timeline[i]));
        }

        if (tenant.State == TenantStates.Failed && tenant.NextRetryAt is { } retry)
        {
            context.Out.MarkupLineInterpolated($"[grey]          retry {tenant.Attempts + 1} scheduled at {Formats.ClockTime(retry)}[/]");
        }

        return timeline.Count;
    }

    private int Report(ApiResult<TenantResponse> final)
    {
        var tenant = final.Value;
        if (context.Json)
        {
            context.WriteJson(final.Json);
        }

        if (tenant.State == TenantStates.Failed)
        {
            context.Error.MarkupLineInterpolated(
                $"[red]error:[/] tenant [bold]{tenant.Slug}[/] failed at {tenant.FailedStep ?? "?"} after {tenant.Attempts.ToString(CultureInfo.InvariantCulture)} attempt(s): {tenant.LastError ?? "no error recorded"}");
            context.Error.MarkupLineInterpolated($"[grey]hint: fix the cause, then: controlplane tenants retry {tenant.Slug} --wait[/]");
            return ExitCodes.TenantFailed;
        }

        if (!context.Json)
        {
            context.Out.MarkupLine(
                $"Tenant [bold]{Markup.Escape(tenant.Slug)}[/] is {StateMarkup.Tenant(tenant.State)} (version {tenant.MigrationVersion.ToString(CultureInfo.InvariantCulture)}){TenantViews.PurgeNote(tenant)}.");
        }

        return ExitCodes.Success;
    }
}
