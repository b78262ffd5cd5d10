using System.CommandLine;
using System.Globalization;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Tenants;

/// <summary><c>controlplane tenants backup|backups|restore</c>: a tenant's backups (docs/lifecycle.md).</summary>
internal static class BackupCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [Backup(runner), Backups(runner), Restore(runner)];

    private static Argument<string> SlugArgument() => new("slug") { Description = "The tenant's slug" };

    private static Command Backup(CommandRunner runner)
    {
        var slug = SlugArgument();
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the backup is accepted instead of waiting until it is written" };
        var timeout = TimeoutOption.Create();
        var command = new Command("backup", "Take a backup of a tenant's schema and data (one consistent snapshot, a plain SQL file)") { slug, noWait, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var target = context.Get(slug);
            var backup = await context.Client.StartBackupAsync(target, cancellationToken);
            var deadline = context.Get(timeout) is { } limit ? DateTime.UtcNow + limit : DateTime.MaxValue;
            while (!context.Get(noWait) && backup.Value.State == "Running")
            {
                if (DateTime.UtcNow >= deadline)
                {
                    context.Error.MarkupLineInterpolated($"Backup {backup.Value.Id} is still running after the timeout.");
                    return ExitCodes.TimedOut;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                backup = await context.Client.GetBackupAsync(target, backup.Value.Id, cancellationToken);
            }

            if (context.Json)
            {
                context.WriteJson(backup.Json);
            }
            else
            {
                context.Out.Write(BackupViews.List([backup.Value]));
            }

            return backup.Value.State == "Failed" ? ExitCodes.ServerError : ExitCodes.Success;
        }));
        return command;
    }

    private static Command Backups(CommandRunner runner)
    {
        var slug = SlugArgument();
        var command = new Command("backups", "List a tenant's backups, newest first") { slug };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var backups = await context.Client.ListBackupsAsync(context.Get(slug), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(backups.Json);
            }
            else
            {
                context.Out.Write(BackupViews.List(backups.Value.Items));
                context.Out.MarkupLineInterpolated($"{backups.Value.Items.Count} backup(s)");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Restore(CommandRunner runner)
    {
        var slug = SlugArgument();
        var backup = new Option<string>("--backup", "-b") { Description = "The backup to restore (its id, from `tenants backups`)", Required = true };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation on a terminal" };
        var command = new Command("restore", "Replace a tenant's data with a backup's (the replaced data is kept as a backup of its own)") { slug, backup, yes };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var target = context.Get(slug);
            if (context.Host.CanPrompt && !context.Get(yes)
                && !await new ConfirmationPrompt($"Replace tenant [bold]{Markup.Escape(target)}[/]'s data with backup [bold]{Markup.Escape(context.Get(backup)!)}[/]?") { DefaultValue = false }
                    .ShowAsync(context.Out, cancellationToken))
            {
                context.Error.MarkupLine("Nothing restored.");
                return ExitCodes.Interrupted;
            }

            var restore = await context.Client.RestoreAsync(target, new RestoreRequest(context.Get(backup)!), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(restore.Json);
            }
            else
            {
                var r = restore.Value;
                context.Out.MarkupLineInterpolated(
                    $"Tenant [bold]{target}[/] restored from {r.BackupId}: version {r.MigrationVersion.ToString(CultureInfo.InvariantCulture)}, {(r.TableRows?.Values.Sum() ?? 0).ToString(CultureInfo.InvariantCulture)} rows verified.");
                context.Out.MarkupLineInterpolated($"[grey]The replaced data is backup {r.ReplacedBackupId ?? "-"}.[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
