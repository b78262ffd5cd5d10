using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>A tenant's backups as a table.</summary>
internal static class BackupViews
{
    public static Table List(IEnumerable<BackupResponse> backups)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Id", "Kind", "State", "Taken", "Version", "Tier", "Size", "SHA-256");
        foreach (var b in backups)
        {
            var state = b.State switch { "Completed" => "[green]", "Failed" => "[red]", _ => "[yellow]" } + Markup.Escape(b.State) + "[/]";
            table.AddRow(
                Markup.Escape(b.Id),
                Markup.Escape(b.Kind),
                state + (b.Error is null ? string.Empty : " " + Markup.Escape(b.Error)),
                Markup.Escape(b.TakenAt is null ? "-" : Formats.Time(b.TakenAt)),
                Markup.Escape(b.MigrationVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                Markup.Escape(b.Tier),
                Markup.Escape(b.Size?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"),
                Markup.Escape(b.Sha256 is null ? "-" : b.Sha256[..12] + "…"));
        }

        return table;
    }
}
