using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>When and where the suite ran: the date (UTC), cores, memory, OS and the PostgreSQL server's version.</summary>
internal static class MachineDescription
{
    public static async Task<string> DescribeAsync(BenchmarkOptions options)
    {
        // The version from the server itself, started the way the benchmarks start theirs (or the --pg one).
        string version;
        await using (var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 20))
        {
            version = await database.ScalarAsync<string>("SHOW server_version");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, {MemoryGiB():0.0} GiB memory, {OperatingSystem()}, PostgreSQL {version}");
    }

    private static double MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var value, ..] ? double.Parse(value, CultureInfo.InvariantCulture) : double.NaN;
        return kib / 1024 / 1024;
    }

    private static string OperatingSystem()
    {
        var line = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
        return line is null ? Environment.OSVersion.ToString() : line["PRETTY_NAME=".Length..].Trim('"');
    }
}
