using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>The pooled schema's policies as a table.</summary>
internal static class PooledViews
{
    public static Table Policies(IEnumerable<PooledTablePolicyResponse> tables)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Table", "tenant_id", "Policy", "RLS", "Forced", "Index", "As mode", "Not ready");
        foreach (var t in tables)
        {
            table.AddRow(
                Markup.Escape(t.Table),
                Yes(t.HasTenantId), Yes(t.PolicyPresent), Yes(t.RowSecurityEnabled), Yes(t.Forced), Yes(t.TenantIndex), Yes(t.AsMode),
                Markup.Escape(t.NotReady.Count == 0 ? "-" : string.Join(", ", t.NotReady)));
        }

        return table;
    }

    private static string Yes(bool value) => value ? "[green]yes[/]" : "[red]no[/]";
}
