using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>The migration catalogue with the tenants at each version.</summary>
internal static class MigrationViews
{
    public static void Catalogue(IAnsiConsole console, MigrationsResponse catalogue)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Version", "Name", "Transaction", "Tenants", "Checksum");
        table.Columns[0].RightAligned();
        table.Columns[3].RightAligned();
        foreach (var migration in catalogue.Migrations)
        {
            table.AddRow(
                migration.Version.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(migration.Name),
                migration.Transactional ? "yes" : "[yellow]no[/]",
                migration.Tenants.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(migration.Checksum.Length > 12 ? migration.Checksum[..12] : migration.Checksum));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"Latest version: {catalogue.LatestVersion}");

        // Tenants at versions the catalogue does not list: not migrated yet (0), or files since removed.
        var listed = catalogue.Migrations.Select(m => m.Version.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var (version, tenants) in catalogue.TenantsByVersion ?? new Dictionary<string, long>())
        {
            if (!listed.Contains(version) && tenants > 0)
            {
                var what = version == "0" ? "no migration applied yet" : "a version no longer in the catalogue";
                console.MarkupLineInterpolated($"[grey]{tenants} tenant(s) at version {version} ({what})[/]");
            }
        }
    }
}
