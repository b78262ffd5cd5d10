using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Clones a tenant holding N rows through the API (POST to Active: its schema, role, migrations, the copy and the
/// checks) beside the same tables copied by psql with <c>CREATE TABLE ... (LIKE ... INCLUDING ALL)</c> plus
/// <c>INSERT ... SELECT</c> in one REPEATABLE READ transaction. Rounds alternate the two sides.
/// </summary>
internal static class CloneBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var rows = options.Int("rows", 100_000);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        Console.WriteLine($"Clone benchmark: a tenant with {rows:N0} rows, {rounds} rounds, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 100);
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench", new Dictionary<string, string>
        {
            ["ControlPlane__Provisioning__SweepInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        const string source = "bench_source";
        await TenantFollower.CreateAndWaitAsync(silo, new { slug = source, displayName = "Bench source" });

        await FillAsync(database, $"tenant_{source}", rows);
        var total = await database.ScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM tenant_{source}.teams) + (SELECT count(*) FROM tenant_{source}.components) + (SELECT count(*) FROM tenant_{source}.users)");
        var tables = (await database.ScalarAsync<string>(
            $"SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_catalog.pg_tables WHERE schemaname = 'tenant_{source}'")).Split(',');

        var ours = new List<double>();
        var raw = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            raw.Add(await RawAsync(database, $"tenant_{source}", $"raw_clone_{round}", tables));
            var watch = Stopwatch.StartNew();
            await TenantFollower.CreateAndWaitAsync(silo, new { slug = $"bench_clone_{round}", displayName = $"Clone {round}", cloneFrom = source });
            ours.Add(watch.Elapsed.TotalMilliseconds);
        }

        var copied = await database.ScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM tenant_bench_clone_0.teams) + (SELECT count(*) FROM tenant_bench_clone_0.components) + (SELECT count(*) FROM tenant_bench_clone_0.users)");
        if (copied != total)
        {
            throw new InvalidOperationException($"The clone holds {copied} rows, the source {total}.");
        }

        var oursMs = Stats.Median(ours);
        var rawMs = Stats.Median(raw);
        Console.WriteLine();
        Console.WriteLine($"{"",-34}{"control plane",16}{"raw psql",16}{"ratio",10}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"median clone of {total:N0} rows (ms)",-34}{oursMs,16:0.0}{rawMs,16:0.0}{oursMs / rawMs,10:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"each round (ms)",-34}{string.Join(" ", ours.Select(v => v.ToString("0", CultureInfo.InvariantCulture))),16}{string.Join(" ", raw.Select(v => v.ToString("0", CultureInfo.InvariantCulture))),16}"));
        Console.WriteLine();
        Console.WriteLine("control plane = POST /v1/tenants {cloneFrom} until Active (role, schema, 3 migrations, copy with counts, sequences, checks);");
        Console.WriteLine("raw = psql: CREATE SCHEMA, CREATE TABLE (LIKE ... INCLUDING ALL) and INSERT ... SELECT per table, one RR transaction. ratio = control plane / raw");
        options.Figures.Add(BenchmarkFigure.Informational("clone", string.Create(CultureInfo.InvariantCulture, $"median clone of {total:N0} rows (ms)"), oursMs, rawMs));
        return 0;
    }

    private static async Task<double> RawAsync(BenchmarkDatabase database, string from, string to, IReadOnlyList<string> tables)
    {
        var script = new StringBuilder("SET client_min_messages = warning;\n");
        script.Append(PsqlRunner.Mark("start", to));
        script.Append("BEGIN ISOLATION LEVEL REPEATABLE READ;\n");
        script.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA {PgIdentifier.Quote(to)};\n");
        foreach (var table in tables)
        {
            var source = $"{PgIdentifier.Quote(from)}.{PgIdentifier.Quote(table)}";
            var target = $"{PgIdentifier.Quote(to)}.{PgIdentifier.Quote(table)}";
            script.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {target} (LIKE {source} INCLUDING ALL);\n");
            script.Append(CultureInfo.InvariantCulture, $"INSERT INTO {target} OVERRIDING SYSTEM VALUE SELECT * FROM {source};\n");
        }

        script.Append("COMMIT;\n");
        script.Append(PsqlRunner.Mark("end", to));
        var marks = await PsqlRunner.RunAsync(database, [script.ToString()]);
        return (marks.Single(m => m.Mark == "end").Epoch - marks.Single(m => m.Mark == "start").Epoch) * 1000;
    }

    /// <summary>
    /// Fills a tenant schema with about <paramref name="rows"/> rows: most in users (the model's widest table), the rest
    /// in teams and components; 5% of the users deleted for id gaps. The move benchmark fills its tenant the same way.
    /// </summary>
    internal static async Task FillAsync(BenchmarkDatabase database, string schema, int rows)
    {
        var teams = Math.Max(1, rows / 100);
        var components = Math.Max(1, rows / 10);
        await database.ExecuteAsync(
            $"""
            SET search_path TO {PgIdentifier.Quote(schema)};
            INSERT INTO teams (name, description) SELECT 'team ' || g, repeat('d', 40) FROM generate_series(1, {teams}) g;
            INSERT INTO components (name, team_id, repository_url) SELECT 'component ' || g, 1 + g % {teams}, 'https://git.example.com/c/' || g FROM generate_series(1, {components}) g;
            INSERT INTO users (email, name, team_id) SELECT 'user' || g || '@example.com', 'User ' || g, 1 + g % {teams} FROM generate_series(1, {rows - teams - components}) g;
            DELETE FROM users WHERE id % 20 = 0;
            ANALYZE;
            """);
    }
}
