using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>Tenants as tables and detail views.</summary>
internal static class TenantViews
{
    public static Table List(IEnumerable<TenantSummaryResponse> tenants)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("Slug", "Name", "State", "Tier", "Version", "Labels", "Attempts", "Last error", "Updated");
        foreach (var tenant in tenants)
        {
            table.AddRow(
                Markup.Escape(tenant.Slug),
                Markup.Escape(tenant.DisplayName),
                StateMarkup.Tenant(tenant.State),
                Markup.Escape(tenant.Tier),
                tenant.MigrationVersion.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Formats.Short(Labels(tenant.Labels), 40)),
                tenant.Attempts.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Formats.Short(tenant.LastError, 60)),
                Formats.Time(tenant.UpdatedAt));
        }

        return table;
    }

    /// <summary>For a Retained tenant, when it is purged and how to keep it (markup, to follow a sentence); empty otherwise.</summary>
    public static string PurgeNote(TenantResponse tenant) => tenant.PurgeAt is { } purgeAt
        ? $", purged at {Formats.Time(purgeAt)} unless resumed (controlplane tenants resume {Markup.Escape(tenant.Slug)})"
        : string.Empty;

    public static void Details(IAnsiConsole console, TenantResponse tenant)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        Row(grid, "Slug", Markup.Escape(tenant.Slug));
        Row(grid, "Name", Markup.Escape(tenant.DisplayName));
        Row(grid, "State", StateMarkup.Tenant(tenant.State));
        Row(grid, "Tier", Markup.Escape(tenant.Tier));
        if (tenant.Move is { } move)
        {
            Row(grid, "Move", $"[yellow]to {Markup.Escape(move.Tier)}: {Markup.Escape(move.Phase)}[/] since {Formats.Time(move.StartedAt)}");
        }

        Row(grid, "Version", tenant.MigrationVersion.ToString(CultureInfo.InvariantCulture));
        Row(grid, "Schema / role", Markup.Escape($"{tenant.Schema} / {tenant.Role}"));
        Row(grid, "Labels", Markup.Escape(Labels(tenant.Labels)));
        if (tenant.PurgeAt is { } purgeAt)
        {
            Row(grid, "Purge at", $"[yellow]{Formats.Time(purgeAt)}[/] (resume before then to keep it)");
        }
        if (tenant.FailedStep is not null || tenant.LastError is not null)
        {
            Row(grid, "Failed step", Markup.Escape(tenant.FailedStep ?? "-"));
            Row(grid, "Last error", $"[red]{Markup.Escape(tenant.LastError ?? "-")}[/]");
            Row(grid, "Attempts", tenant.Attempts.ToString(CultureInfo.InvariantCulture));
            Row(grid, "Next retry", tenant.NextRetryAt is null ? "none scheduled" : Formats.Time(tenant.NextRetryAt));
        }

        if (tenant.LockWait is { } wait)
        {
            Row(grid, "Waiting for a lock", $"[yellow]{Markup.Escape($"{wait.Step ?? "DDL"}: {wait.Tries} tries since {Formats.Time(wait.Since)}; {wait.LastError}")}[/]");
        }

        Row(grid, "Created", Formats.Time(tenant.CreatedAt));
        Row(grid, "Updated", Formats.Time(tenant.UpdatedAt));
        Row(grid, "ETag", tenant.Etag.ToString(CultureInfo.InvariantCulture));
        console.Write(grid);

        if (tenant.Drift is { Count: > 0 } drift)
        {
            console.WriteLine();
            console.MarkupLine("[red]Drift[/] (applied migrations whose file changed):");
            foreach (var item in drift)
            {
                console.MarkupLineInterpolated($"  V{item.Version}: applied {item.AppliedChecksum ?? "-"}, now {item.CurrentChecksum ?? "missing"}");
            }
        }

        console.WriteLine();
        console.MarkupLine("[bold]Timeline[/]");
        var timeline = new Table().Border(TableBorder.Simple).AddColumns("At", "Change", "Step", "Attempt", "Detail");
        foreach (var entry in tenant.Timeline ?? [])
        {
            timeline.AddRow(
                Formats.Time(entry.At),
                Change(entry),
                Markup.Escape(entry.Step ?? string.Empty),
                entry.Attempt.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(entry.Detail ?? string.Empty));
        }

        console.Write(timeline);
    }

    /// <summary>Labels as <c>key=value,key=value</c> (by key), or "-" when there are none.</summary>
    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is { Count: > 0 } ? string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) : "-";

    /// <summary>One timeline entry as a line (used while following a tenant).</summary>
    public static string EventLine(string slug, TenantEventResponse entry)
    {
        var step = entry.Step is null ? string.Empty : $"  {Markup.Escape(entry.Step)}";
        var detail = entry.Detail is null ? string.Empty : $"  [grey]{Markup.Escape(entry.Detail)}[/]";
        return $"{Formats.ClockTime(entry.At)}  {Markup.Escape(slug)}  {Change(entry)}{step}{detail}";
    }

    private static string Change(TenantEventResponse entry) =>
        entry.From is null ? StateMarkup.Tenant(entry.To) : $"{StateMarkup.Tenant(entry.From)} → {StateMarkup.Tenant(entry.To)}";

    private static void Row(Grid grid, string label, string value) => grid.AddRow($"[grey]{label}[/]", value);
}
