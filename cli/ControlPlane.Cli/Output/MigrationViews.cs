using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>The migration catalogue with the tenants at each version, and lint findings.</summary>
internal static class MigrationViews
{
    public static void Catalogue(IAnsiConsole console, MigrationsResponse catalogue)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Version", "Name", "Transaction", "Tenants", "Checksum", "Lint");
        table.Columns[0].RightAligned();
        table.Columns[3].RightAligned();
        foreach (var migration in catalogue.Migrations)
        {
            table.AddRow(
                migration.Version.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(migration.Name),
                migration.Transactional ? "yes" : "[yellow]no[/]",
                migration.Tenants.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(migration.Checksum.Length > 12 ? migration.Checksum[..12] : migration.Checksum),
                LintSummary(migration.Lint ?? []));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"Latest version: {catalogue.LatestVersion}");
        foreach (var finding in catalogue.Migrations.SelectMany(m => m.Lint ?? []))
        {
            Finding(console, finding);
        }

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

    /// <summary>A finding on two lines: where, severity, rule and message; then the safe form.</summary>
    public static void Finding(IAnsiConsole console, LintFindingResponse finding)
    {
        var severity = finding.Severity == "error" ? "[red]error[/]" : "[yellow]warning[/]";
        console.MarkupLine($"  {Markup.Escape(finding.File)}:{finding.Line} {severity} [bold]{Markup.Escape(finding.Rule)}[/]: {Markup.Escape(finding.Message)}");
        console.MarkupLine($"      [grey]fix:[/] {Markup.Escape(finding.Fix)}");
    }

    private static string LintSummary(IReadOnlyList<LintFindingResponse> lint)
    {
        var errors = lint.Count(f => f.Severity == "error");
        var warnings = lint.Count - errors;
        return (errors, warnings) switch
        {
            (0, 0) => "[green]ok[/]",
            (_, 0) => $"[red]{errors} error(s)[/]",
            (0, _) => $"[yellow]{warnings} warning(s)[/]",
            _ => $"[red]{errors} error(s)[/], [yellow]{warnings} warning(s)[/]",
        };
    }
}
