using System.Globalization;
using System.Text;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Onboards N pooled tenants through the API (C clients, each waiting for Active before the next) beside the same
/// inserts by psql, one transaction per tenant, over C connections: the tenant's row in the pooled control table, then
/// the seed with the tenant context set (so every row gets its tenant_id). The pooled schema exists before either side
/// is measured (the warm-up's first tenant makes it), as it does on a running control plane.
/// </summary>
internal static class PooledOnboardingBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 200);
        var concurrency = options.Int("concurrency", 4);
        var warmup = options.Int("warmup", 200);
        var rounds = Math.Max(1, options.Int("rounds", 4));
        Console.WriteLine($"Pooled onboarding benchmark: {tenants} pooled tenants, {concurrency} connections/clients, {Environment.ProcessorCount} cores, {warmup} warm-up tenants per round");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 200);
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TenantModel", "seed.sql"));
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            await new ControlPlane.Grains.Registry.RegistrySchema(Microsoft.Extensions.Logging.Abstractions.NullLogger<ControlPlane.Grains.Registry.RegistrySchema>.Instance)
                .UpgradeAsync(dataSource, CancellationToken.None);
        }

        // The silo's pooled schema (SiloProcess names it after the database, as the tests do).
        var schema = TestPooledSchema.For(database.ConnectionString);
        var raw = new List<OnboardingBenchmark.Result>();
        var ours = new List<OnboardingBenchmark.Result>();
        await using (var silo = await OnboardingBenchmark.StartSiloAsync(database, concurrency, options, warmPoolSize: 0))
        {
            // Two warm-up rounds, each followed by a quiet wait, as in the onboarding benchmark: after a single round
            // the JIT's tier-up thread was still promoting the per-tenant code through the measured rounds, at 16% of
            // the machine's CPU (perf, 2026-12-06), beside the clients and the server it delays.
            var warmupRounds = Math.Max(1, options.Int("warmup-rounds", 2));
            for (var round = 0; round < warmupRounds; round++)
            {
                await OnboardingBenchmark.OnboardAsync(silo, $"pwarm{round}", Math.Max(1, warmup), concurrency, "pooled");
                await Quiet.WaitAsync(silo, TimeSpan.FromSeconds(60));
            }

            await RawAsync(database, schema, "prawwarm", concurrency * 2, concurrency, seed, 0);

            // Alternating rounds, so both sides meet the same disk and cache conditions.
            for (var round = 0; round < rounds; round++)
            {
                var share = tenants / rounds + (round < tenants % rounds ? 1 : 0);
                raw.Add(await RawAsync(database, schema, "praw", share, concurrency, seed, round));
                ours.Add(await OnboardingBenchmark.ControlPlaneAsync(database, silo, share, concurrency, $"pcp{round}", "pooled"));
            }

            await silo.StopAsync();
        }

        var (rawAll, oursAll) = (OnboardingBenchmark.Result.Combine(raw), OnboardingBenchmark.Result.Combine(ours));
        Console.WriteLine();
        Console.WriteLine($"{"pooled tenants",-34}{"control plane",16}{"raw psql",16}{"ratio",10}");
        OnboardingBenchmark.Row("median POST-to-Active (ms)", oursAll.MedianMs, rawAll.MedianMs, oursAll.MedianMs / rawAll.MedianMs);
        OnboardingBenchmark.Row("p95 POST-to-Active (ms)", oursAll.P95Ms, rawAll.P95Ms, oursAll.P95Ms / rawAll.P95Ms);
        OnboardingBenchmark.Row("tenants per second", oursAll.PerSecond, rawAll.PerSecond, rawAll.PerSecond / oursAll.PerSecond);
        OnboardingBenchmark.Row("PostgreSQL CPU per tenant (ms)", oursAll.ServerCpuMsPerTenant, rawAll.ServerCpuMsPerTenant, oursAll.ServerCpuMsPerTenant / rawAll.ServerCpuMsPerTenant);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo CPU per tenant (ms)",-34}{oursAll.SiloCpuMsPerTenant,16:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  of it, the JIT's tier-up thread",-34}{oursAll.JitCpuMsPerTenant,16:0.0}"));
        Console.WriteLine();
        Console.WriteLine("ratio = control plane / raw for times, raw / control plane for throughput (target: median <= 1.30)");
        options.Figures.Add(BenchmarkFigure.RatioAtMost(
            "pooled onboarding", string.Create(CultureInfo.InvariantCulture, $"median POST-to-Active (ms), {tenants:N0} pooled tenants"), oursAll.MedianMs, rawAll.MedianMs, oursAll.MedianMs / rawAll.MedianMs, 1.30, "cp/raw"));
        options.Figures.Add(BenchmarkFigure.Informational(
            "pooled onboarding", string.Create(CultureInfo.InvariantCulture, $"tenants per second, {tenants:N0} pooled tenants"), oursAll.PerSecond, rawAll.PerSecond));
        return 0;
    }

    /// <summary>What a pooled tenant's onboarding writes, by psql in one transaction per tenant: its control row, then the seed under its context.</summary>
    private static Task<OnboardingBenchmark.Result> RawAsync(BenchmarkDatabase database, string schema, string prefix, int tenants, int connections, string seed, int round)
    {
        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\nSET synchronous_commit = off;\n")).ToArray();
        var control = $"{PgIdentifier.Quote(schema)}.{PgIdentifier.Quote(PooledNames.TenantsTable)}";
        for (var i = 0; i < tenants; i++)
        {
            var slug = string.Create(CultureInfo.InvariantCulture, $"{prefix}{round}_{i:00000}");
            var script = scripts[i % connections];
            script.Append(PsqlRunner.Mark("start", slug));
            script.Append("BEGIN;\n");
            script.Append(CultureInfo.InvariantCulture, $"INSERT INTO {control} (tenant_id) VALUES ({PgIdentifier.Literal(slug)});\n");
            script.Append(CultureInfo.InvariantCulture,
                $"SELECT set_config('{PooledNames.ContextSetting}', {PgIdentifier.Literal(slug)}, true), set_config('controlplane.tenant_display_name', {PgIdentifier.Literal(slug + " Ltd")}, true), set_config('controlplane.tenant_slug', {PgIdentifier.Literal(slug)}, true) \\g /dev/null\n");
            script.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(schema)};\n");
            script.Append(seed).Append('\n');
            script.Append("COMMIT;\n");
            script.Append(PsqlRunner.Mark("end", slug));
        }

        return OnboardingBenchmark.RunRawAsync(database, scripts, tenants);
    }
}
