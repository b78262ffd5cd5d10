using System.Globalization;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Grains.TenantData;
using ControlPlane.Testing;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// <c>GET /v1/me/components?limit=50</c> for N pooled tenants, loaded by wrk with a different tenant's token on each
/// request, beside the same for N schema-tier tenants on the same silo, and beside the raw design of the pooled tier
/// (seed 002): the same page query on one shared pool of the same size, logged in under row-level security, with the
/// tenant context set transaction-locally (<c>set_config(..., true)</c>, the function form of <c>SET LOCAL</c>) in
/// the same round trip. The raw side has no grain, no registry check and no token-to-tenant mapping beyond the claim.
/// </summary>
internal static class PooledReadsBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 100);
        var rows = options.Int("rows", 60);
        var seconds = options.Int("seconds", 10);
        var connections = options.Int("connections", 8);
        var rounds = Math.Max(1, options.Int("rounds", 2));
        var warmup = options.Int("warmup-seconds", 15);
        Console.WriteLine($"Pooled reads benchmark: {tenants} pooled and {tenants} schema-tier tenants x {rows} components, wrk -c {connections} for {seconds} s x {rounds} rounds each side, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: tenants * 2 + connections * 2 + 100);
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench-pooled-reads", new Dictionary<string, string>
        {
            ["ControlPlane__Auth__Jwt__Issuer"] = TenantReadsBenchmark.Issuer,
            ["ControlPlane__Auth__Jwt__Audience"] = TenantReadsBenchmark.Audience,
            ["ControlPlane__Auth__Jwt__SigningKey"] = TenantReadsBenchmark.SigningKey,
            ["ControlPlane__Tenants__PoolSize"] = "2",
            ["ControlPlane__Tenants__MaxConnections"] = (tenants * 2 + 4).ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Pooled__PoolSize"] = connections.ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Database__WorkConnections"] = "4",
            ["ControlPlane__Database__RegistryPoolSize"] = "8",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        var pooled = Enumerable.Range(0, tenants).Select(i => $"preads{i:000}").ToArray();
        var own = Enumerable.Range(0, tenants).Select(i => $"sreads{i:000}").ToArray();
        await Parallel.ForEachAsync(pooled.Select(s => (s, "pooled")).Concat(own.Select(s => (s, "schema"))), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (tenant, ct) => await TenantReadsBenchmark.OnboardAsync(silo.Http, tenant.Item1, ct, tenant.Item2));
        var schema = TestPooledSchema.For(database.ConnectionString);
        foreach (var slug in pooled)
        {
            await database.ExecuteAsync($"INSERT INTO {PgIdentifier.Quote(schema)}.components (tenant_id, name, description) SELECT '{slug}', '{slug}-component-' || g, 'a component of {slug}' FROM generate_series(1, {rows}) g");
        }

        foreach (var slug in own)
        {
            await database.ExecuteAsync($"INSERT INTO tenant_{slug}.components (name, description) SELECT '{slug}-component-' || g, 'a component of {slug}' FROM generate_series(1, {rows}) g");
        }

        await database.ExecuteAsync($"ANALYZE {PgIdentifier.Quote(schema)}.components");

        // The raw side's login: a role of its own under the pooled data role's grants, so the policies hold for it as
        // they do for the silo's pool (not superuser, no BYPASSRLS, owns nothing).
        var reader = $"{schema}_bench";
        await database.ExecuteAsync($"""
            DROP ROLE IF EXISTS {PgIdentifier.Quote(reader)};
            CREATE ROLE {PgIdentifier.Quote(reader)} LOGIN INHERIT NOSUPERUSER NOBYPASSRLS PASSWORD 'bench-pooled-reader';
            GRANT {PgIdentifier.Quote(PooledNames.DataRole(schema))} TO {PgIdentifier.Quote(reader)};
            GRANT CONNECT ON DATABASE {PgIdentifier.Quote(database.Database)} TO {PgIdentifier.Quote(reader)};
            """);
        var login = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = reader, Password = "bench-pooled-reader", Passfile = null, SearchPath = schema }.ConnectionString;
        var sql = TenantTableSql.Pooled(TenantTables.Components, schema).ListFirst;
        try
        {
            var pooledTokens = pooled.Select(TenantReadsBenchmark.Token).ToArray();
            var ownTokens = own.Select(TenantReadsBenchmark.Token).ToArray();
            await using var direct = await DirectSearchPathServer.StartAsync(database.ConnectionString, connections, TenantReadsBenchmark.Issuer, TenantReadsBenchmark.Audience, TenantReadsBenchmark.SigningKey, new DirectPooled(login, sql));
            var ours = new Uri($"http://127.0.0.1:{silo.Port}/v1/me/components?limit=50");
            var raw = direct.PooledUrl!;
            await TenantReadsBenchmark.CheckEveryTenantAsync([ours, raw], pooled, pooledTokens);
            await TenantReadsBenchmark.CheckEveryTenantAsync([ours], own, ownTokens);
            await WrkRun.RunAsync(ours, pooledTokens, connections, 2, warmup);
            await WrkRun.RunAsync(ours, ownTokens, connections, 2, warmup);
            await WrkRun.RunAsync(raw, pooledTokens, connections, 2, warmup);

            var (pooledRuns, ownRuns, rawRuns) = (new List<WrkRun>(), new List<WrkRun>(), new List<WrkRun>());
            for (var round = 0; round < rounds; round++)
            {
                // Alternate, so every side meets the same machine state.
                pooledRuns.Add(await WrkRun.RunAsync(ours, pooledTokens, connections, 2, seconds));
                rawRuns.Add(await WrkRun.RunAsync(raw, pooledTokens, connections, 2, seconds));
                ownRuns.Add(await WrkRun.RunAsync(ours, ownTokens, connections, 2, seconds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: pooled {pooledRuns[^1].RequestsPerSecond:0} req/s, raw pooled {rawRuns[^1].RequestsPerSecond:0} req/s, schema tier {ownRuns[^1].RequestsPerSecond:0} req/s"));
            }

            var (p, r, o) = (TenantReadsBenchmark.Combine(pooledRuns), TenantReadsBenchmark.Combine(rawRuns), TenantReadsBenchmark.Combine(ownRuns));
            Console.WriteLine();
            Console.WriteLine($"{"GET /v1/me/components?limit=50",-34}{"pooled",16}{"raw pooled SQL",18}{"ratio",10}{"schema tier",16}");
            Row("requests per second", p.RequestsPerSecond, r.RequestsPerSecond, o.RequestsPerSecond);
            Row("p50 latency (ms)", p.P50Ms, r.P50Ms, o.P50Ms);
            Row("p99 latency (ms)", p.P99Ms, r.P99Ms, o.P99Ms);
            Console.WriteLine($"{"errors (non-2xx, socket)",-34}{p.Errors,16}{r.Errors,18}{"",10}{o.Errors,16}");
            Console.WriteLine("ratio = pooled / raw pooled SQL (throughput target >= 0.80)");
            const string name = "pooled reads";
            options.Figures.Add(BenchmarkFigure.RatioAtLeast(name, "requests per second, pooled tenants", p.RequestsPerSecond, r.RequestsPerSecond, p.RequestsPerSecond / r.RequestsPerSecond, 0.80, "cp/raw"));
            options.Figures.Add(BenchmarkFigure.Informational(name, "requests per second, pooled (baseline: schema-tier tenants)", p.RequestsPerSecond, o.RequestsPerSecond));
        }
        finally
        {
            await database.ExecuteAsync($"DROP OWNED BY {PgIdentifier.Quote(reader)}; DROP ROLE IF EXISTS {PgIdentifier.Quote(reader)}");
        }

        return 0;
    }

    private static void Row(string name, double pooled, double raw, double schemaTier) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34}{pooled,16:0.00}{raw,18:0.00}{pooled / raw,10:0.00}{schemaTier,16:0.00}"));
}
