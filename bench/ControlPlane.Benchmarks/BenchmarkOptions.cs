using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>Command-line options shared by the benchmarks: <c>--name value</c> pairs.</summary>
internal sealed class BenchmarkOptions(Dictionary<string, string> values)
{
    public static BenchmarkOptions Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                key = arg[2..];
                values[key] = "true";
            }
            else if (key is not null)
            {
                values[key] = arg;
                key = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }

        return new BenchmarkOptions(values);
    }

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => values.GetValueOrDefault(name);

    public bool Flag(string name) => values.ContainsKey(name);

    /// <summary>
    /// The figures the benchmark measured, which it adds before it returns (beside printing its own table), for the
    /// suite's one table. They travel here rather than in the return value so each benchmark keeps its signature.
    /// </summary>
    public List<BenchmarkFigure> Figures { get; } = [];
}
