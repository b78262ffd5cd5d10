using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// One figure a benchmark measured, beside its raw baseline from the same run, their ratio and the target it is held
/// to (<see cref="Met"/> is null for an informational figure). The suite prints every benchmark's figures as one table.
/// </summary>
internal sealed record BenchmarkFigure(string Benchmark, string Figure, double Value, double Baseline, double Ratio, string Target, bool? Met)
{
    private static readonly string[] Headers = ["benchmark", "figure", "control plane", "raw baseline", "ratio", "target", "met"];

    /// <summary>A figure whose ratio must stay at or under <paramref name="limit"/> (<paramref name="ratioName"/> says which way it is taken).</summary>
    public static BenchmarkFigure RatioAtMost(string benchmark, string figure, double value, double baseline, double ratio, double limit, string ratioName) =>
        new(benchmark, figure, value, baseline, ratio, string.Create(CultureInfo.InvariantCulture, $"{ratioName} <= {limit:0.00}"), ratio <= limit);

    /// <summary>A figure whose ratio must stay at or above <paramref name="limit"/>.</summary>
    public static BenchmarkFigure RatioAtLeast(string benchmark, string figure, double value, double baseline, double ratio, double limit, string ratioName) =>
        new(benchmark, figure, value, baseline, ratio, string.Create(CultureInfo.InvariantCulture, $"{ratioName} >= {limit:0.00}"), ratio >= limit);

    /// <summary>A figure whose own value must stay under <paramref name="limit"/> (in <paramref name="unit"/>); the baseline, if any, is for comparison.</summary>
    public static BenchmarkFigure ValueBelow(string benchmark, string figure, double value, double baseline, double limit, string unit) =>
        new(benchmark, figure, value, baseline, value / baseline, string.Create(CultureInfo.InvariantCulture, $"< {limit} {unit}"), value < limit);

    /// <summary>A figure reported with no target.</summary>
    public static BenchmarkFigure Informational(string benchmark, string figure, double value, double baseline) =>
        new(benchmark, figure, value, baseline, value / baseline, string.Empty, null);

    /// <summary>Prints the figures as one aligned Markdown table (so it can be pasted into the README as it is).</summary>
    public static void PrintTable(IReadOnlyList<BenchmarkFigure> figures, TextWriter writer)
    {
        var rows = figures.Select(f => new[]
        {
            f.Benchmark, f.Figure, Number(f.Value), Number(f.Baseline), Number(f.Ratio, ratio: true), f.Target,
            f.Met switch { true => "yes", false => "no", null => "-" },
        }).ToList();
        var widths = Headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var rightAligned = new[] { false, false, true, true, true, false, false };

        string Line(IReadOnlyList<string> cells) =>
            "| " + string.Join(" | ", cells.Select((c, i) => rightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))) + " |";

        writer.WriteLine(Line(Headers));
        writer.WriteLine("|" + string.Join("|", widths.Select((w, i) => rightAligned[i] ? new string('-', w + 1) + ":" : new string('-', w + 2))) + "|");
        foreach (var row in rows)
        {
            writer.WriteLine(Line(row));
        }
    }

    private static string Number(double value, bool ratio = false) => value switch
    {
        double.NaN or double.PositiveInfinity or double.NegativeInfinity => "-",
        _ when ratio => value.ToString("0.00", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
