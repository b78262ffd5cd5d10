using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ControlPlane.Cli.Output;

/// <summary>A rollout plan: one table of waves, then skips, drift and the asked-for tenant.</summary>
internal static class RolloutPlanView
{
    public static IRenderable Render(RolloutPlanResponse plan)
    {
        var parts = new List<IRenderable>
        {
            new Markup(Invariant($"[bold]Plan[/]: version {plan.TargetVersion}, {plan.Pending} of {plan.Tenants} tenant(s) to migrate, {plan.Tenants - plan.Pending} skipped\n")),
        };
        var waves = new Table().Border(TableBorder.Simple).AddColumns("#", "Wave", "Takes", "Tenants", "Migrate", "Skip", "Migrations", "First tenants");
        for (var i = 0; i < plan.Waves.Count; i++)
        {
            var wave = plan.Waves[i];
            var takes = i == plan.Waves.Count - 1 ? "the rest"
                : wave.Selector is null ? Invariant($"next {wave.RequestedTenants}")
                : wave.RequestedTenants is int cap ? Invariant($"{wave.Selector} (first {cap})") : wave.Selector;
            waves.AddRow(
                Invariant($"{i + 1}"),
                Markup.Escape(wave.Name),
                Markup.Escape(takes),
                Invariant($"{wave.Tenants}"),
                Invariant($"{wave.Pending}"),
                Invariant($"{wave.Skipped}"),
                Markup.Escape(string.Join("; ", wave.Migrations.Select(Migrations))),
                Markup.Escape(First(wave.FirstTenants, wave.Pending)));
        }

        parts.Add(waves);
        foreach (var skip in plan.Skipped)
        {
            var first = Markup.Escape(First(skip.FirstTenants, skip.Tenants));
            parts.Add(new Markup(Invariant($"[grey]Skipped[/] {skip.Tenants}: {Markup.Escape(skip.Reason)} ({first})\n")));
        }

        foreach (var unit in plan.Pooled ?? [])
        {
            var versions = unit.Versions.Count > 0 ? Versions(unit.Versions) : "nothing";
            var reason = unit.Reason is null ? string.Empty : " (" + Markup.Escape(unit.Reason) + ")";
            parts.Add(new Markup(Invariant(
                $"Pooled schema [bold]{Markup.Escape(unit.Name)}[/] (one unit, {unit.Tenants} pooled tenant(s)): wave {Markup.Escape(unit.Wave)}, {Markup.Escape(unit.Status)}{reason}, from V{unit.FromVersion}: receives {versions}\n")));
            if (unit.Refusal is { } refusal)
            {
                parts.Add(new Markup($"[red]A start is refused[/]: {Markup.Escape(refusal)}\n"));
            }
        }

        if (plan.DriftCount > 0)
        {
            parts.Add(new Markup(Invariant($"[red]Drift on {plan.DriftCount} tenant(s)[/]: a start is refused until it is repaired\n")));
            parts.AddRange(plan.Drift.Select(d => new Markup($"  {Markup.Escape(d)}\n")));
        }

        foreach (var finding in plan.Lint ?? [])
        {
            var refuses = plan.LintRefused?.Contains(finding) == true;
            parts.Add(new Markup(Invariant(
                $"{(refuses ? "[red]Lint error[/]" : finding.Severity == "error" ? "[yellow]Lint error (accepted)[/]" : "[yellow]Lint warning[/]")} {Markup.Escape(finding.File)}:{finding.Line} {Markup.Escape(finding.Rule)}: {Markup.Escape(finding.Message)}\n  fix: {Markup.Escape(finding.Fix)}\n")));
        }

        if (plan.LintRefused is { Count: > 0 } refused)
        {
            var rules = string.Join(",", refused.Select(f => f.Rule).Distinct(StringComparer.Ordinal));
            parts.Add(new Markup(Invariant($"[red]A start is refused[/] until these findings are fixed or accepted: --accept-lint {Markup.Escape(rules)}\n")));
        }

        if (plan.Tenant is { } tenant)
        {
            var versions = tenant.Versions.Count > 0 ? Versions(tenant.Versions) : "nothing";
            var reason = tenant.Reason is null ? string.Empty : " (" + Markup.Escape(tenant.Reason) + ")";
            parts.Add(new Markup(Invariant(
                $"Tenant [bold]{Markup.Escape(tenant.Slug)}[/]: wave {Markup.Escape(tenant.Wave)}, {Markup.Escape(tenant.Status)}{reason}, from V{tenant.FromVersion}: receives {versions}\n")));
        }

        return new Rows(parts);
    }

    private static string Migrations(RolloutPlanMigrations group) =>
        Invariant($"from V{group.FromVersion}: {Versions(group.Versions)} ({group.Tenants})");

    private static string Versions(IEnumerable<int> versions) => string.Join(", ", versions.Select(v => "V" + v.ToString(CultureInfo.InvariantCulture)));

    private static string First(IReadOnlyList<string> first, int of) => string.Join(", ", first) + (of > first.Count ? ", …" : string.Empty);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
