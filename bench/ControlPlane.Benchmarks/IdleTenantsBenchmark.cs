using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ControlPlane.Testing;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The silo's memory per idle activated tenant: the live managed heap (after a full collection, by a heap dump)
/// before and after N tenant grains are activated and left idle, and again once Orleans has deactivated them. The
/// raw baseline is the same heap before any tenant was activated, so the figure is what one idle tenant costs.
/// </summary>
internal static partial class IdleTenantsBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 10_000);
        var gcdump = await GcDumpTool.EnsureAsync();
        Console.WriteLine($"Idle-tenants benchmark: {tenants} tenants, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 100);
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench", new Dictionary<string, string>
        {
            // Idle grains are collected after 2 minutes (Orleans' default is 15), so the run can show deactivation.
            ["Orleans__GrainCollection__CollectionAge"] = "00:02:00",
            ["Orleans__GrainCollection__CollectionQuantum"] = "00:00:10",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        // Registry rows only: reading a tenant activates its grain and reads its row; no schema is needed for that.
        await database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, migration_version)
            SELECT s, 'Idle ' || s, 'tenant_' || s, 'tenant_' || s, 'Active', 1
            FROM (SELECT 'idle_' || lpad(i::text, 6, '0') AS s FROM generate_series(0, {tenants + 499}) i) g
            """));

        // Warm the path (JIT, pools, caches) on 500 tenants that are not counted.
        await ActivateAsync(silo, 0, 500);
        var before = await HeapAsync(gcdump, silo);
        var watch = Stopwatch.StartNew();
        await ActivateAsync(silo, 500, 500 + tenants);
        var activation = watch.Elapsed;
        var active = await HeapAsync(gcdump, silo);
        var grains = await ActiveGrainsAsync(silo);

        // Wait (bounded) for Orleans to collect the idle grains, then measure what they left behind.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
        var remaining = grains;
        while (remaining > tenants / 20 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            remaining = await ActiveGrainsAsync(silo);
        }

        var after = await HeapAsync(gcdump, silo);
        var perTenant = (active.Bytes - before.Bytes) / (double)tenants;
        var poolPerTenant = (active.PoolBytes - before.PoolBytes) / (double)tenants;
        var beyondPool = perTenant - poolPerTenant;
        var leftPerTenant = (after.Bytes - before.Bytes) / (double)tenants;

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"activated",-52}{tenants,12:N0} tenants in {activation.TotalSeconds:0.0} s; {grains:N0} application grains active"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"live managed heap before (MiB)",-52}{before.Bytes / 1048576.0,12:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"live managed heap with them active (MiB)",-52}{active.Bytes / 1048576.0,12:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"per idle active tenant (bytes)",-52}{perTenant,12:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  of which its pool (TenantPool, Npgsql types)",-52}{poolPerTenant,12:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  beyond the pool (bytes)",-52}{beyondPool,12:N0}   target < 4,096"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"after deactivation: grains still active",-52}{remaining,12:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"after deactivation: per tenant left (bytes)",-52}{leftPerTenant,12:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo resident memory at the end (MiB)",-52}{silo.ResidentBytes() / 1048576.0,12:0}"));
        Console.WriteLine();
        Console.WriteLine("heap: live objects after a full collection, by dotnet-gcdump; the baseline is the same silo before the tenants were activated.");
        options.Figures.Add(BenchmarkFigure.ValueBelow(
            "idle-tenants", string.Create(CultureInfo.InvariantCulture, $"silo memory per idle tenant beyond its pool, {tenants:N0} (bytes)"), beyondPool, perTenant, 4096, "bytes"));
        return 0;
    }

    private static async Task ActivateAsync(SiloProcess silo, int from, int to)
    {
        var next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to)
            {
                using var response = await silo.Http.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/v1/tenants/idle_{i:000000}"));
                response.EnsureSuccessStatusCode();
            }
        }));
    }

    private static async Task<int> ActiveGrainsAsync(SiloProcess silo)
    {
        using var body = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/cluster"));
        return body.RootElement.GetProperty("silos").EnumerateArray()
            .Sum(s => s.TryGetProperty("activeGrains", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : 0);
    }

    private static async Task<(long Bytes, long PoolBytes)> HeapAsync(string gcdump, SiloProcess silo)
    {
        var file = Path.Combine(Path.GetTempPath(), $"controlplane-bench-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunAsync(gcdump, ["collect", "-p", silo.ProcessId.ToString(CultureInfo.InvariantCulture), "-o", file]);
            var report = await RunAsync(gcdump, ["report", file]);
            var total = TotalLine().Match(report);
            if (!total.Success)
            {
                throw new InvalidOperationException($"dotnet-gcdump report printed no heap total:\n{report}");
            }

            long pool = 0;
            foreach (Match row in TypeLine().Matches(report))
            {
                var type = row.Groups["type"].Value;
                if (type.StartsWith("Npgsql", StringComparison.Ordinal) || type.Contains("TenantPool", StringComparison.Ordinal))
                {
                    // The report gives each type's object size and its count.
                    pool += Number(row.Groups["bytes"].Value) * Number(row.Groups["count"].Value);
                }
            }

            return (Number(total.Groups[1].Value), pool);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long Number(string digits) => long.Parse(digits.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }

        return await output;
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    // "        192     1,500  Some.Type  [Assembly.dll]": an object's size, the count, the type.
    [GeneratedRegex(@"^\s*(?<bytes>[\d,]+)\s+(?<count>[\d,]+)\s+(?<type>\S+)", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
