using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ControlPlane.Benchmarks;

/// <summary>
/// One bounded load run by Debian's <c>wrk</c> (a second process) against a loopback URL, each request carrying the
/// next tenant's bearer token in turn; requests per second and latency percentiles as wrk reports them.
/// </summary>
internal sealed partial record WrkRun(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors)
{
    public const string Binary = "wrk";

    /// <summary>Installs Debian's wrk with apt-get when it is missing and this runs as root; otherwise says what to install.</summary>
    public static Task EnsureInstalledAsync() =>
        BenchmarkPrerequisites.EnsureProgramAsync(Binary, "wrk", "The tenant-reads benchmark loads the servers with wrk");

    public static async Task<WrkRun> RunAsync(Uri url, IReadOnlyList<string> tokens, int connections, int threads, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"controlplane-wrk-{Guid.NewGuid():N}.lua");
        var lua = new StringBuilder("local tokens = {\n");
        foreach (var token in tokens)
        {
            lua.Append("  \"").Append(token).Append("\",\n");
        }

        lua.Append("""
            }
            local i = math.random(#tokens)
            request = function()
              i = (i % #tokens) + 1
              return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. tokens[i] })
            end
            """);
        await File.WriteAllTextAsync(script, lua.ToString());
        try
        {
            var start = new ProcessStartInfo(Binary)
            {
                ArgumentList =
                {
                    "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                    "-d", $"{seconds}s", "--timeout", "5s", "--latency", "-s", script, url.ToString(),
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start; install it (apt-get install wrk).");
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return Parse(output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// One run against several URLs at once (a wrk process per URL, the connections split between them, one thread
    /// each): throughput is their sum, p50 their request-weighted mean, p99 the worst of them.
    /// </summary>
    public static async Task<WrkRun> RunSpreadAsync(IReadOnlyList<Uri> urls, IReadOnlyList<string> tokens, int connections, int seconds)
    {
        var runs = await Task.WhenAll(urls.Select((url, i) =>
            RunAsync(url, tokens, Math.Max(1, connections / urls.Count + (i < connections % urls.Count ? 1 : 0)), 1, seconds)));
        var requests = runs.Sum(r => r.Requests);
        return new WrkRun(
            runs.Sum(r => r.RequestsPerSecond),
            requests == 0 ? 0 : runs.Sum(r => r.P50Ms * r.Requests) / requests,
            runs.Max(r => r.P99Ms),
            requests,
            runs.Sum(r => r.Errors));
    }

    private static WrkRun Parse(string output)
    {
        double Latency(string percentile) => Percentile().Matches(output).FirstOrDefault(m => m.Groups["p"].Value == percentile) is { } m
            ? ToMs(double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture), m.Groups["u"].Value)
            : throw new InvalidOperationException($"wrk printed no {percentile}% latency:\n{output}");
        var rps = double.Parse(RequestsPerSecondLine().Match(output).Groups["v"].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(RequestsLine().Match(output).Groups["v"].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output) is { Success: true } bad ? long.Parse(bad.Groups["v"].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture));
        return new WrkRun(rps, Latency("50"), Latency("99"), requests, non2xx + socket);
    }

    private static double ToMs(double value, string unit) => unit switch
    {
        "us" => value / 1000,
        "ms" => value,
        "s" => value * 1000,
        _ => value * 60_000,
    };

    [GeneratedRegex(@"^\s+(?<p>50|75|90|99)%\s+(?<v>[\d.]+)(?<u>us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();

    [GeneratedRegex(@"Requests/sec:\s+(?<v>[\d.]+)")]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"(?<v>\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(?<v>\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (?<v>\d+)")]
    private static partial Regex SocketErrors();
}
