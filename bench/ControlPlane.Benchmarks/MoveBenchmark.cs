using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Testing;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Moves a tenant holding N rows from its own schema into the pooled schema and back through the API (POST .../move
/// until the move ends: target prepared, rows copied and verified per table, routing switched, source removed), and
/// reports how long writes were held (from the phase that holds them to the switch, on the timeline), beside psql doing
/// only the <c>INSERT ... SELECT</c> of the same rows in one transaction. Rounds alternate the two sides.
/// </summary>
internal static class MoveBenchmark
{
    private const string Tenant = "bench_move";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var rows = options.Int("rows", 100_000);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        Console.WriteLine($"Move benchmark: a tenant with {rows:N0} rows, {rounds} round(s) each way, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 100);
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench", new Dictionary<string, string>
        {
            ["ControlPlane__Provisioning__SweepInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        var pooled = TestPooledSchema.For(database.ConnectionString);
        await TenantFollower.CreateAndWaitAsync(silo, new { slug = "bench_pool_first", displayName = "Makes the pooled schema", tier = "pooled" });
        await TenantFollower.CreateAndWaitAsync(silo, new { slug = Tenant, displayName = "Bench move" });

        await CloneBenchmark.FillAsync(database, $"tenant_{Tenant}", rows);
        var total = await CountAsync(database, $"tenant_{Tenant}", null);
        var tables = await TablesAsync(database, pooled);

        // The raw side's target for a move back: empty tables shaped as the tenant's own (made before any timing).
        await database.ExecuteAsync("CREATE SCHEMA raw_template;\n" + string.Concat(tables.Select(t =>
            $"CREATE TABLE raw_template.{PgIdentifier.Quote(t.Table)} (LIKE \"tenant_{Tenant}\".{PgIdentifier.Quote(t.Table)} INCLUDING ALL);\n")));

        var (toPooled, toSchema, heldToPooled, heldToSchema, rawToPooled, rawToSchema) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            rawToPooled.Add(await RawAsync(database, tables, $"tenant_{Tenant}", pooled, $"raw_move_{round}", toPooled: true));
            var (took, held) = await MoveAsync(silo, database, "pooled");
            toPooled.Add(took);
            heldToPooled.Add(held);
            if (await CountAsync(database, pooled, Tenant) != total)
            {
                throw new InvalidOperationException($"The pooled schema holds {await CountAsync(database, pooled, Tenant)} of the tenant's rows, the source held {total}.");
            }

            rawToSchema.Add(await RawAsync(database, tables, pooled, $"raw_move_{round}", Tenant, toPooled: false));
            (took, held) = await MoveAsync(silo, database, "schema");
            toSchema.Add(took);
            heldToSchema.Add(held);
        }

        if (await CountAsync(database, $"tenant_{Tenant}", null) != total)
        {
            throw new InvalidOperationException($"After moving back, the tenant's schema holds {await CountAsync(database, $"tenant_{Tenant}", null)} rows, not {total}.");
        }

        Console.WriteLine();
        Console.WriteLine($"{"",-44}{"control plane",16}{"raw psql",16}{"ratio",10}");
        var figures = new (string Figure, List<double> Ours, List<double> Raw)[]
        {
            ($"move of {total:N0} rows to pooled (ms)", toPooled, rawToPooled),
            ($"writes held, move to pooled (ms)", heldToPooled, rawToPooled),
            ($"move of {total:N0} rows to schema (ms)", toSchema, rawToSchema),
            ($"writes held, move to schema (ms)", heldToSchema, rawToSchema),
        };
        foreach (var (figure, ours, raw) in figures)
        {
            var (oursMs, rawMs) = (Stats.Median(ours), Stats.Median(raw));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{figure,-44}{oursMs,16:0.0}{rawMs,16:0.0}{oursMs / rawMs,10:0.00}"));
            options.Figures.Add(BenchmarkFigure.Informational("move", figure, oursMs, rawMs));
        }

        Console.WriteLine();
        Console.WriteLine("move = POST /v1/tenants/{slug}/move until the move ends (prepare target, copy + verify per table + switch, remove source);");
        Console.WriteLine("writes held = timeline, from the phase that holds writes to the switch; raw = psql INSERT ... SELECT of the same rows, one transaction.");
        return 0;
    }

    /// <summary>One move through the API: its total time, and how long writes were held by the timeline.</summary>
    private static async Task<(double Took, double Held)> MoveAsync(SiloProcess silo, BenchmarkDatabase database, string tier)
    {
        var watch = Stopwatch.StartNew();
        using (var response = await silo.Http.PostAsJsonAsync($"/v1/tenants/{Tenant}/move", new { tier }))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST .../move: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        while (true)
        {
            using var tenant = JsonDocument.Parse(await silo.Http.GetStringAsync($"/v1/tenants/{Tenant}"));
            var root = tenant.RootElement;
            if (root.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.String)
            {
                throw new InvalidOperationException($"The move to {tier} failed: {error.GetString()}");
            }

            if (root.GetProperty("move").ValueKind == JsonValueKind.Null && root.GetProperty("tier").GetString() == tier)
            {
                break;
            }

            await Task.Delay(10);
        }

        var took = watch.Elapsed.TotalMilliseconds;
        var held = await database.ScalarAsync<double>(
            $"""
            SELECT extract(epoch FROM max(at) FILTER (WHERE detail LIKE '%routing switched%') - max(at) FILTER (WHERE detail LIKE '%writes are held%'))::float8 * 1000
            FROM controlplane.tenant_events WHERE slug = '{Tenant}' AND step = 'Move'
              AND id > (SELECT max(id) FROM controlplane.tenant_events WHERE slug = '{Tenant}' AND detail LIKE 'move from%requested')
            """);
        return (took, held);
    }

    /// <summary>psql: the same rows INSERT ... SELECT into the pooled tables (as tenant <paramref name="tenant"/>) or into a copy schema, one transaction.</summary>
    private static async Task<double> RawAsync(BenchmarkDatabase database, IReadOnlyList<(string Table, string Columns)> tables, string from, string to, string tenant, bool toPooled)
    {
        var setup = new StringBuilder("SET client_min_messages = warning;\n");
        var script = new StringBuilder(PsqlRunner.Mark("start", to));
        script.Append("BEGIN;\n");
        var cleanup = new StringBuilder();
        if (!toPooled)
        {
            setup.Append(CultureInfo.InvariantCulture, $"DROP SCHEMA IF EXISTS {PgIdentifier.Quote(to)} CASCADE; CREATE SCHEMA {PgIdentifier.Quote(to)};\n");
            foreach (var (table, _) in tables)
            {
                setup.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {PgIdentifier.Quote(to)}.{PgIdentifier.Quote(table)} (LIKE raw_template.{PgIdentifier.Quote(table)} INCLUDING ALL);\n");
            }
        }

        foreach (var (table, columns) in tables)
        {
            var source = $"{PgIdentifier.Quote(from)}.{PgIdentifier.Quote(table)}";
            var target = $"{PgIdentifier.Quote(to)}.{PgIdentifier.Quote(table)}";
            script.Append(toPooled
                ? $"INSERT INTO {target} (tenant_id, {columns}) OVERRIDING SYSTEM VALUE SELECT {PgIdentifier.Literal(tenant)}, {columns} FROM {source};\n"
                : $"INSERT INTO {target} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {source} WHERE tenant_id = {PgIdentifier.Literal(tenant)};\n");
        }

        foreach (var (table, _) in tables.Reverse().Where(_ => toPooled))
        {
            cleanup.Append($"DELETE FROM {PgIdentifier.Quote(to)}.{PgIdentifier.Quote(table)} WHERE tenant_id = {PgIdentifier.Literal(tenant)};\n");
        }

        script.Append("COMMIT;\n");
        script.Append(PsqlRunner.Mark("end", to));
        script.Append(cleanup);
        if (!toPooled)
        {
            script.Append(CultureInfo.InvariantCulture, $"DROP SCHEMA {PgIdentifier.Quote(to)} CASCADE;\n");
        }

        var marks = await PsqlRunner.RunAsync(database, [setup.ToString() + script]);
        return (marks.Single(m => m.Mark == "end").Epoch - marks.Single(m => m.Mark == "start").Epoch) * 1000;
    }

    /// <summary>The pooled tables in foreign-key order, each with its columns but tenant_id (as the move copies them).</summary>
    private static async Task<IReadOnlyList<(string Table, string Columns)>> TablesAsync(BenchmarkDatabase database, string pooled)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var tables = await PooledRows.TablesAsync(connection, null, pooled, CancellationToken.None);
        var result = new List<(string, string)>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = ($1 || '.' || $2)::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attname <> 'tenant_id'
                """, connection);
            command.Parameters.Add(new() { Value = PgIdentifier.Quote(pooled) });
            command.Parameters.Add(new() { Value = PgIdentifier.Quote(table) });
            result.Add((table, (string)(await command.ExecuteScalarAsync())!));
        }

        return result;
    }

    private static async Task<long> CountAsync(BenchmarkDatabase database, string schema, string? tenant)
    {
        var where = tenant is null ? string.Empty : $" WHERE tenant_id = {PgIdentifier.Literal(tenant)}";
        return await database.ScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM {PgIdentifier.Quote(schema)}.teams{where}) + (SELECT count(*) FROM {PgIdentifier.Quote(schema)}.components{where}) + (SELECT count(*) FROM {PgIdentifier.Quote(schema)}.users{where})");
    }
}
