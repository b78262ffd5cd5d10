using System.CommandLine;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Audit;

/// <summary><c>controlplane audit [--tenant acme]</c>: who did what, newest first.</summary>
internal static class AuditCommand
{
    private const int MaxPageSize = 500;

    public static Command Create(CommandRunner runner)
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only actions about this tenant" };
        var limit = new Option<int>("--limit") { Description = $"Entries to show (1-{MaxPageSize})", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxPageSize)
            {
                r.AddError($"--limit must be between 1 and {MaxPageSize}.");
            }
        });
        var after = new Option<string?>("--after") { Description = "Older entries: the cursor a previous page printed" };
        var command = new Command("audit", "Platform actions newest first: who, what, which tenant, when, and how it ended") { tenant, limit, after };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var page = await context.Client.ListAuditAsync(context.Get(tenant), context.Get(limit), context.Get(after), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(page.Json);
                return ExitCodes.Success;
            }

            context.Out.Write(AuditViews.List(page.Value.Items));
            if (page.Value.Next is { } next)
            {
                context.Out.MarkupLineInterpolated($"[grey]Older: --after {next}[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
