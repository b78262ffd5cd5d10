using System.Diagnostics;
using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The raw baseline: psql runs a script on one connection, printing <c>mark|key|epoch</c> lines that the script
/// emits around each unit of work, so each unit's own time is known.
/// </summary>
internal static class PsqlRunner
{
    /// <summary>Runs each script on its own psql connection, all at once; returns every (mark, key, epoch) printed.</summary>
    public static async Task<List<(string Mark, string Key, double Epoch)>> RunAsync(BenchmarkDatabase database, IReadOnlyList<string> scripts)
    {
        var psql = BenchmarkPrerequisites.Psql();
        var directory = Directory.CreateTempSubdirectory("controlplane-bench-");
        try
        {
            var runs = scripts.Select(async (script, i) =>
            {
                var file = Path.Combine(directory.FullName, $"worker{i}.sql");
                await File.WriteAllTextAsync(file, script);
                var start = new ProcessStartInfo(psql)
                {
                    ArgumentList = { "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", database.Host, "-p", database.Port.ToString(CultureInfo.InvariantCulture), "-U", database.Username, "-d", database.Database, "-f", file },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                start.Environment["PGPASSWORD"] = database.Password;
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"psql failed ({process.ExitCode}): {await errors}");
                }

                return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split('|'))
                    .Where(parts => parts.Length == 3)
                    .Select(parts => (parts[0], parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture)))
                    .ToList();
            });
            return [.. (await Task.WhenAll(runs)).SelectMany(r => r)];
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A line of script that prints <c>mark|key|epoch</c> (the key is a benchmark-made identifier).</summary>
    public static string Mark(string mark, string key) =>
        $"SELECT '{mark}', '{key}', extract(epoch FROM clock_timestamp());\n";
}
