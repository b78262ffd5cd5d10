using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ControlPlane.Cli.Output;

/// <summary>Rollouts as tables, detail views, a live progress view and plain progress lines.</summary>
internal static class RolloutViews
{
    public static Table List(IEnumerable<RolloutResponse> rollouts)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("Id", "State", "Target", "Done", "Succeeded", "Failed", "Skipped", "Created", "Not before", "Next run", "Finished");
        foreach (var rollout in rollouts)
        {
            var totals = rollout.Totals;
            table.AddRow(
                Markup.Escape(rollout.Id),
                StateMarkup.Rollout(rollout.State),
                Number(rollout.TargetVersion),
                $"{Number(totals.Finished)}/{Number(totals.Total)}",
                Number(totals.Succeeded),
                totals.Failed > 0 ? $"[red]{Number(totals.Failed)}[/]" : "0",
                Number(totals.Skipped),
                Formats.Time(rollout.CreatedAt),
                Formats.Time(rollout.NotBefore),
                Formats.Time(rollout.NextRunAt),
                Formats.Time(rollout.FinishedAt));
        }

        return table;
    }

    public static void Details(IAnsiConsole console, RolloutResponse rollout)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        Row(grid, "Id", Markup.Escape(rollout.Id));
        Row(grid, "State", StateMarkup.Rollout(rollout.State));
        if (rollout.NotBefore is { } notBefore)
        {
            Row(grid, "Not before", Formats.Time(notBefore) + (rollout.State == RolloutStates.Scheduled ? " [grey](starts then)[/]" : string.Empty));
        }

        if (rollout.Windows is { Count: > 0 } windows)
        {
            Row(grid, "Windows", Markup.Escape(string.Join("; ", windows)));
        }

        if (rollout.NextRunAt is { } next)
        {
            Row(grid, "Next run", Formats.Time(next));
        }

        Row(grid, "Target version", Number(rollout.TargetVersion));
        Row(grid, "Max parallel", Number(rollout.MaxParallel));
        Row(grid, "Failure threshold", string.Create(CultureInfo.InvariantCulture, $"{rollout.FailureThreshold * 100:0.##}% of a wave"));
        if (rollout.Reason is not null)
        {
            Row(grid, "Reason", $"[red]{Markup.Escape(rollout.Reason)}[/]");
        }

        if (rollout.LockTimeoutMs is not null || rollout.StatementTimeoutMs is not null)
        {
            Row(grid, "Lock / statement timeout", $"{Milliseconds(rollout.LockTimeoutMs)} / {Milliseconds(rollout.StatementTimeoutMs)}");
        }

        if (rollout.LockWaiting > 0 || rollout.LockRetried > 0)
        {
            Row(grid, "Lock waits", $"{Number(rollout.LockWaiting)} waiting now, {Number(rollout.LockRetried)} needed more than one try");
        }

        Row(grid, "Rate / ETA", $"{Formats.Rate(rollout.TenantsPerSecond)} / {Formats.Duration(rollout.EtaSeconds)}");
        Row(grid, "Created", $"{Formats.Time(rollout.CreatedAt)}{(rollout.CreatedBy is null ? string.Empty : " by " + Markup.Escape(rollout.CreatedBy))}");
        Row(grid, "Finished", Formats.Time(rollout.FinishedAt));
        console.Write(grid);
        console.WriteLine();
        console.Write(Waves(rollout));
        if (rollout.FailedTenants is { Count: > 0 } failed)
        {
            console.Write(FailedTenants(failed));
        }
    }

    public static Table Waves(RolloutResponse rollout)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("#", "Wave", "Size", "Pending", "Running", "Succeeded", "Failed", "Skipped");
        for (var i = 0; i < rollout.Waves.Count; i++)
        {
            var wave = rollout.Waves[i];
            var current = i == rollout.CurrentWave && !RolloutStates.EndsWatch(rollout.State);
            table.AddRow(
                Number(i + 1) + (current ? " ▶" : string.Empty),
                Markup.Escape(wave.Name) + (wave.Selector is null ? string.Empty : $" [grey]{Markup.Escape(wave.Selector)}[/]"),
                Number(wave.Size),
                Number(wave.Counts.Pending),
                Number(wave.Counts.Running),
                Number(wave.Counts.Succeeded),
                wave.Counts.Failed > 0 ? $"[red]{Number(wave.Counts.Failed)}[/]" : "0",
                Number(wave.Counts.Skipped));
        }

        var totals = rollout.Totals;
        table.AddRow("", "[bold]total[/]", Number(totals.Total), Number(totals.Pending), Number(totals.Running), Number(totals.Succeeded),
            totals.Failed > 0 ? $"[red]{Number(totals.Failed)}[/]" : "0", Number(totals.Skipped));
        return table;
    }

    /// <summary>A plan (<c>rollout plan</c>, and <c>rollout start</c> before it asks).</summary>
    public static IRenderable Plan(RolloutPlanResponse plan) => RolloutPlanView.Render(plan);

    public static Table FailedTenants(IEnumerable<RolloutFailureResponse> failed)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Failed tenant", "Wave", "From version", "Tries", "Error");
        foreach (var failure in failed)
        {
            table.AddRow(Markup.Escape(failure.Slug), Markup.Escape(failure.Wave), Number(failure.FromVersion), Number(failure.LockTries), Markup.Escape(failure.Error ?? string.Empty));
        }

        return table;
    }

    /// <summary>What an animated watch shows: the state, a bar of tenants by status with counts, rate and ETA, and the waves.</summary>
    public static IRenderable Progress(RolloutResponse rollout)
    {
        var totals = rollout.Totals;
        var rows = new List<IRenderable>
        {
            new Markup($"Rollout [bold]{Markup.Escape(rollout.Id)}[/] to version {Number(rollout.TargetVersion)}: {StateMarkup.Rollout(rollout.State)}  {Markup.Escape(WaveLabel(rollout))}"),
        };
        if (rollout.State == RolloutStates.Scheduled && rollout.NotBefore is { } notBefore)
        {
            rows.Add(new Markup(Markup.Escape($"waiting to start at {Formats.Time(rollout.NextRunAt ?? notBefore)}")));
        }
        else if (rollout.State == RolloutStates.WaitingForWindow)
        {
            rows.Add(new Markup(Markup.Escape($"waiting for its window: next run at {Formats.Time(rollout.NextRunAt)}")));
        }

        if (totals.Total == 0)
        {
            rows.Add(new Markup("[grey]no tenants to migrate[/]"));
        }
        else
        {
            var chart = new BreakdownChart().Width(60).ShowTagValues();
            AddSegment(chart, "succeeded", totals.Succeeded, Color.Green);
            AddSegment(chart, "failed", totals.Failed, Color.Red);
            AddSegment(chart, "skipped", totals.Skipped, Color.Grey);
            AddSegment(chart, "running", totals.Running, Color.Yellow);
            AddSegment(chart, "pending", totals.Pending, Color.Grey23);
            rows.Add(chart);
        }

        rows.Add(new Markup(Markup.Escape(
            $"{Number(totals.Finished)}/{Number(totals.Total)} done ({Formats.Percent(totals.Finished, totals.Total)})  {Formats.Rate(rollout.TenantsPerSecond)}  ETA {Formats.Duration(rollout.EtaSeconds)}")));
        if (rollout.Waves.Count > 1)
        {
            rows.Add(Waves(rollout));
        }

        return new Rows(rows);
    }

    /// <summary>One line of progress for pipes and CI logs.</summary>
    public static string ProgressLine(RolloutResponse rollout)
    {
        var t = rollout.Totals;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{rollout.State,-9} {WaveLabel(rollout)}{(rollout.State == RolloutStates.WaitingForWindow ? $" (next run {Formats.Time(rollout.NextRunAt)})" : string.Empty)}  {t.Finished}/{t.Total} ({Formats.Percent(t.Finished, t.Total)})  succeeded {t.Succeeded}  failed {t.Failed}  skipped {t.Skipped}  running {t.Running}  pending {t.Pending}  {Formats.Rate(rollout.TenantsPerSecond)}  ETA {Formats.Duration(rollout.EtaSeconds)}");
    }

    private static string WaveLabel(RolloutResponse rollout) =>
        rollout.Waves.Count == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"wave {Math.Min(rollout.CurrentWave, rollout.Waves.Count - 1) + 1}/{rollout.Waves.Count} {rollout.Waves[Math.Min(rollout.CurrentWave, rollout.Waves.Count - 1)].Name}");

    private static void AddSegment(BreakdownChart chart, string label, int count, Color colour)
    {
        if (count > 0)
        {
            chart.AddItem(label, count, colour);
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(double? value) => value is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : "deployment's";

    private static void Row(Grid grid, string label, string value) => grid.AddRow($"[grey]{label}[/]", value);
}
