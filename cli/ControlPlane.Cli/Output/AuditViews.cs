using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>The audit log as a table, newest first.</summary>
internal static class AuditViews
{
    public static Table List(IEnumerable<AuditEntryResponse> entries)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("When", "Actor", "Action", "Tenant", "Target", "Outcome", "Detail");
        foreach (var entry in entries)
        {
            var outcome = entry.Outcome switch
            {
                "succeeded" => "[green]",
                "refused" => "[yellow]",
                _ => "[red]",
            } + Markup.Escape($"{entry.Outcome} ({entry.Status.ToString(CultureInfo.InvariantCulture)})") + "[/]";
            table.AddRow(
                Markup.Escape(Formats.Time(entry.At)),
                Markup.Escape(entry.Actor),
                Markup.Escape(entry.Action),
                Markup.Escape(entry.Tenant ?? string.Empty),
                Markup.Escape(entry.Target ?? string.Empty),
                outcome,
                Markup.Escape(entry.Detail ?? string.Empty));
        }

        return table;
    }
}
