using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Backs up and restores one tenant holding N rows through the API, beside <c>pg_dump --schema</c> (custom format) and
/// <c>pg_restore</c> of the same schema run by hand against the same server, in the same run.
/// </summary>
internal static class BackupBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var rows = options.Int("rows", 100_000);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var pgDump = BenchmarkPrerequisites.OnPath("pg_dump") ?? throw new MissingPrerequisiteException("The backup baseline runs pg_dump, which is not on PATH: install postgresql-client.");
        var pgRestore = BenchmarkPrerequisites.OnPath("pg_restore") ?? throw new MissingPrerequisiteException("The restore baseline runs pg_restore, which is not on PATH: install postgresql-client.");
        Console.WriteLine($"Backup benchmark: one tenant with {rows:N0} users rows, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 100);
        var store = Path.Combine(Path.GetTempPath(), "controlplane-bench-backups-" + Guid.NewGuid().ToString("N"));
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench-backup", new Dictionary<string, string>
        {
            ["ControlPlane__Backups__Directory"] = store,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        try
        {
            const string slug = "bench_backup";
            var schema = "tenant_" + slug;
            using (var created = await silo.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Bench backup" }))
            {
                created.EnsureSuccessStatusCode();
            }

            await WaitAsync(silo, $"/v1/tenants/{slug}", "state", "Active");
            await database.ExecuteAsync(
                $"INSERT INTO {schema}.users (email, name, role) SELECT 'user' || i || '@bench.test', 'User ' || i, 'member' FROM generate_series(1, {rows}) i; ANALYZE {schema}.users");

            var backups = new List<double>();
            var restores = new List<double>();
            var dumps = new List<double>();
            var pgRestores = new List<double>();
            var dumpFile = Path.Combine(store, "raw.dump");
            Directory.CreateDirectory(store);
            for (var round = 0; round < rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                string id;
                using (var started = await silo.Http.PostAsync($"/v1/tenants/{slug}/backups", null))
                {
                    started.EnsureSuccessStatusCode();
                    id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                }

                await WaitAsync(silo, $"/v1/tenants/{slug}/backups/{id}", "state", "Completed");
                backups.Add(watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                using (var restored = await silo.Http.PostAsJsonAsync($"/v1/tenants/{slug}/restore", new { backupId = id }))
                {
                    restored.EnsureSuccessStatusCode();
                }

                restores.Add(watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                await RunAsync(pgDump, database, ["--format=custom", $"--schema={schema}", $"--file={dumpFile}", database.Database]);
                dumps.Add(watch.Elapsed.TotalMilliseconds);

                // pg_restore recreates the schema under its own name: the live one steps aside while it runs.
                await database.ExecuteAsync($"ALTER SCHEMA {schema} RENAME TO {schema}_aside");
                watch.Restart();
                await RunAsync(pgRestore, database, [$"--dbname={database.Database}", "--no-owner", dumpFile]);
                pgRestores.Add(watch.Elapsed.TotalMilliseconds);
                await database.ExecuteAsync($"DROP SCHEMA {schema} CASCADE; ALTER SCHEMA {schema}_aside RENAME TO {schema}");
            }

            var backup = Stats.Median(backups);
            var restore = Stats.Median(restores);
            var dump = Stats.Median(dumps);
            var pgr = Stats.Median(pgRestores);
            Console.WriteLine();
            Console.WriteLine($"{"",-40}{"control plane",16}{"pg_dump/pg_restore",20}{"ratio",10}");
            Row("median backup (ms)", backup, dump);
            Row("median restore (ms)", restore, pgr);
            Console.WriteLine();
            Console.WriteLine("ratio = control plane / by hand (the control plane's restore also verifies row counts, swaps atomically and backs up the replaced data)");
            options.Figures.Add(BenchmarkFigure.Informational("backup", string.Create(CultureInfo.InvariantCulture, $"backup ms, {rows:N0} rows"), backup, dump));
            options.Figures.Add(BenchmarkFigure.Informational("backup", string.Create(CultureInfo.InvariantCulture, $"restore ms, {rows:N0} rows"), restore, pgr));
            return 0;
        }
        finally
        {
            if (Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }
        }
    }

    private static void Row(string name, double ours, double raw) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40}{ours,16:0.0}{raw,20:0.0}{ours / raw,10:0.00}"));

    private static async Task WaitAsync(SiloProcess silo, string path, string property, string value)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var body = await silo.Http.GetFromJsonAsync<JsonElement>(path);
            if (body.GetProperty(property).GetString() == value)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{path} did not reach {property} = {value} within 5 minutes.");
    }

    private static async Task RunAsync(string program, BenchmarkDatabase database, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { $"--host={database.Host}", $"--port={database.Port.ToString(CultureInfo.InvariantCulture)}", $"--username={database.Username}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = database.Password;
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {errors}");
        }
    }
}
