using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Steps;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Onboards N tenants through the API (C clients, each waiting for Active before the next) and compares with the
/// same DDL, migrations and seed applied by psql, one transaction per tenant, over C connections.
/// </summary>
internal static class OnboardingBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 200);
        var concurrency = options.Int("concurrency", 4);
        // Tiered JIT keeps promoting the silo's per-tenant code for its first ~150-200 onboardings; measure a silo
        // past that, as a running control plane is (psql has nothing to warm).
        var warmup = options.Int("warmup", 200);
        Console.WriteLine($"Onboarding benchmark: {tenants} tenants, {concurrency} connections/clients, {Environment.ProcessorCount} cores, {warmup} warm-up tenants per round");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 200);
        var migrations = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations"), "V*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TenantModel", "seed.sql"));

        // The database as a silo leaves it at start (registry, tenant group role), so both sides run the same DDL.
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            await new ControlPlane.Grains.Registry.RegistrySchema(Microsoft.Extensions.Logging.Abstractions.NullLogger<ControlPlane.Grains.Registry.RegistrySchema>.Instance)
                .UpgradeAsync(dataSource, CancellationToken.None);
        }

        // Rounds alternate raw and control plane so both meet the same disk and catalogue conditions:
        // this machine's I/O latency drifts over minutes, and DDL time follows it.
        var rounds = Math.Max(1, options.Int("rounds", 4));
        await RawAsync(database, "rawwarm", concurrency * 2, concurrency, migrations, seed, 0);
        var raw = new List<Result>();
        var rawPerStep = new List<Result>();
        var ours = new List<Result>();
        double residentMiB;
        await using (var silo = await StartSiloAsync(database, concurrency, options))
        {
            // The JIT's background recompilation of the warm-up's code would otherwise run beside the first rounds.
            // Tiered JIT promotes a hot method in two steps (instrumented, then optimised), each after some tens of
            // calls counted once the previous step's compiling has gone quiet, so one burst leaves the second step to
            // the measured rounds: after a single 200-tenant warm-up the tier-up thread took 5.4 of the silo's 13.6 ms
            // of CPU per measured tenant. Hence rounds, each followed by a quiet wait.
            var warmupRounds = Math.Max(1, options.Int("warmup-rounds", 2));
            for (var round = 0; round < warmupRounds; round++)
            {
                await OnboardAsync(silo, $"warm{round}", warmup, concurrency);
                await Quiet.WaitAsync(silo, TimeSpan.FromSeconds(60));
            }
            for (var round = 0; round < rounds; round++)
            {
                var share = tenants / rounds + (round < tenants % rounds ? 1 : 0);
                raw.Add(await RawAsync(database, "raw", share, concurrency, migrations, seed, round));
                rawPerStep.Add(await RawAsync(database, "rawstep", share, concurrency, migrations, seed, round, perStep: true));
                ours.Add(await ControlPlaneAsync(database, silo, share, concurrency, round));
            }

            residentMiB = silo.ResidentBytes() / 1024.0 / 1024.0;

            // Leaves the cluster cleanly, so the warm pool's silo joins without waiting for this one to be voted dead.
            await silo.StopAsync();
        }

        var rawAll = Result.Combine(raw);
        var rawStepAll = Result.Combine(rawPerStep);
        var oursAll = Result.Combine(ours) with { ResidentMiB = residentMiB };
        Console.WriteLine();
        Console.WriteLine($"{"",-34}{"control plane",16}{"raw psql",16}{"ratio",10}");
        Row("median POST-to-Active (ms)", oursAll.MedianMs, rawAll.MedianMs, oursAll.MedianMs / rawAll.MedianMs);
        Row("p95 POST-to-Active (ms)", oursAll.P95Ms, rawAll.P95Ms, oursAll.P95Ms / rawAll.P95Ms);
        Row("tenants per second", oursAll.PerSecond, rawAll.PerSecond, rawAll.PerSecond / oursAll.PerSecond);
        Console.WriteLine($"{"silo resident memory (MiB)",-34}{oursAll.ResidentMiB,16:0}");
        Row("PostgreSQL CPU per tenant (ms)", oursAll.ServerCpuMsPerTenant, rawAll.ServerCpuMsPerTenant, oursAll.ServerCpuMsPerTenant / rawAll.ServerCpuMsPerTenant);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo CPU per tenant (ms)",-34}{oursAll.SiloCpuMsPerTenant,16:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  of it, the JIT's tier-up thread",-34}{oursAll.JitCpuMsPerTenant,16:0.0}"));
        Console.WriteLine();
        Console.WriteLine("Raw SQL with one transaction per step (the structure of a build run step by step; no registry):");
        Row("  median per tenant (ms)", rawStepAll.MedianMs, rawAll.MedianMs, rawStepAll.MedianMs / rawAll.MedianMs);
        Row("  tenants per second", rawStepAll.PerSecond, rawAll.PerSecond, rawAll.PerSecond / rawStepAll.PerSecond);
        Row("  PostgreSQL CPU per tenant (ms)", rawStepAll.ServerCpuMsPerTenant, rawAll.ServerCpuMsPerTenant, rawStepAll.ServerCpuMsPerTenant / rawAll.ServerCpuMsPerTenant);
        Console.WriteLine();
        Console.WriteLine("ratio = control plane / raw for times, raw / control plane for throughput (1.00 = as fast as raw SQL; target <= 1.30)");
        options.Figures.Add(BenchmarkFigure.RatioAtMost(
            "onboarding", string.Create(CultureInfo.InvariantCulture, $"tenants per second, {tenants:N0} tenants"), oursAll.PerSecond, rawAll.PerSecond, rawAll.PerSecond / oursAll.PerSecond, 1.30, "raw/cp"));
        options.Figures.Add(BenchmarkFigure.RatioAtMost(
            "onboarding", string.Create(CultureInfo.InvariantCulture, $"median POST-to-Active (ms), {tenants:N0} tenants"), oursAll.MedianMs, rawAll.MedianMs, oursAll.MedianMs / rawAll.MedianMs, 1.30, "cp/raw"));

        // The warm pool path on a silo of its own (a silo without a pool would drop the pool as surplus); --pool 0 skips it.
        if (options.Int("pool", 20) == 0)
        {
            return 0;
        }

        var pool = await WarmPoolOnboarding.RunAsync(database, options, concurrency, rounds, warmup, migrations, seed);
        pool.Print(Row);
        pool.AddFigures(options.Figures);
        return 0;
    }

    internal static void Row(string name, double ours, double raw, double ratio) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34}{ours,16:0.0}{raw,16:0.0}{ratio,10:0.00}"));

    internal static async Task<Result> RawAsync(BenchmarkDatabase database, string prefix, int tenants, int connections, string[] migrations, string seed, int round, bool perStep = false)
    {
        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\nSET synchronous_commit = off;\n")).ToArray();
        for (var i = 0; i < tenants; i++)
        {
            var slug = TenantSlug.Parse($"{prefix}{round}_{i:00000}");
            var script = scripts[i % connections];
            script.Append(PsqlRunner.Mark("start", slug.Value));
            script.Append("BEGIN;\n");
            script.Append(TenantDdl.CreateRoleAndSchema(slug, database.Database, ScramVerifier.Create(Guid.NewGuid().ToString()), roleExists: false)).Append('\n');
            foreach (var migration in migrations)
            {
                if (perStep)
                {
                    script.Append("COMMIT;\nBEGIN;\n");
                }

                script.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)};\n");
                script.Append(migration).Append('\n');
            }

            if (perStep)
            {
                script.Append("COMMIT;\nBEGIN;\n");
                script.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)};\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"SELECT set_config('controlplane.tenant_display_name', {PgIdentifier.Literal(slug.Value + " Ltd")}, true), set_config('controlplane.tenant_slug', {PgIdentifier.Literal(slug.Value)}, true) \\g /dev/null\n");
            script.Append(seed).Append('\n');
            script.Append("COMMIT;\n");
            script.Append(PsqlRunner.Mark("end", slug.Value));
        }

        return await RunRawAsync(database, scripts, tenants);
    }

    /// <summary>
    /// Runs raw scripts (one per connection, each tenant's work between its start and end marks) and measures each
    /// tenant's time, the wall time and the server's CPU per tenant.
    /// </summary>
    internal static async Task<Result> RunRawAsync(BenchmarkDatabase database, IEnumerable<System.Text.StringBuilder> scripts, int tenants)
    {
        var serverBefore = database.ServerCpu();
        var watch = Stopwatch.StartNew();
        var marks = await PsqlRunner.RunAsync(database, [.. scripts.Select(s => s.ToString())]);
        var seconds = watch.Elapsed.TotalSeconds;
        var serverCpu = (database.ServerCpu() - serverBefore)?.TotalMilliseconds / tenants ?? double.NaN;
        var starts = marks.Where(m => m.Mark == "start").ToDictionary(m => m.Key, m => m.Epoch);
        var durations = marks.Where(m => m.Mark == "end").Select(m => (m.Epoch - starts[m.Key]) * 1000).ToList();
        return new Result(durations, tenants, seconds, 0, 0, serverCpu);
    }

    private static Task<SiloProcess> StartSiloAsync(BenchmarkDatabase database, int clients, BenchmarkOptions options) =>
        StartSiloAsync(database, clients, options, warmPoolSize: 0);

    internal static Task<SiloProcess> StartSiloAsync(BenchmarkDatabase database, int clients, BenchmarkOptions options, int warmPoolSize) =>
        SiloProcess.StartAsync(database.ConnectionString, warmPoolSize == 0 ? "bench" : "bench-pool", new Dictionary<string, string>
        {
            ["ControlPlane__Tenants__WarmPoolSize"] = warmPoolSize.ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Database__WorkConnections"] = clients.ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Database__RegistryPoolSize"] = options.Int("registry-pool", clients * 2).ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Provisioning__SweepInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        });

    private static async Task<Result> ControlPlaneAsync(BenchmarkDatabase database, SiloProcess silo, int tenants, int clients, int round) =>
        await ControlPlaneAsync(database, silo, tenants, clients, $"cp{round}");

    internal static async Task<Result> ControlPlaneAsync(BenchmarkDatabase database, SiloProcess silo, int tenants, int clients, string prefix, string? tier = null)
    {
        var cpuBefore = silo.CpuTime();
        var jitBefore = silo.JitCpuTime();
        var serverBefore = database.ServerCpu();
        var watch = Stopwatch.StartNew();
        await OnboardAsync(silo, prefix, tenants, clients, tier);
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuPerTenant = (silo.CpuTime() - cpuBefore).TotalMilliseconds / tenants;
        var jitPerTenant = (silo.JitCpuTime() - jitBefore)?.TotalMilliseconds / tenants ?? double.NaN;
        var serverCpu = (database.ServerCpu() - serverBefore)?.TotalMilliseconds / tenants ?? double.NaN;

        // Each tenant's own time, by the database's clock: from its registration to its Active event.
        var text = await database.ScalarAsync<string>(
            $"""
            SELECT string_agg(ms::text, ',') FROM (
                SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.to_state = 'Active') - t.created_at) * 1000 AS ms
                FROM controlplane.tenants t JOIN controlplane.tenant_events e USING (slug)
                WHERE t.slug LIKE '{prefix}\_%' GROUP BY t.slug, t.created_at) d
            """);
        var durations = text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        return new Result(durations, tenants, seconds, 0, cpuPerTenant, serverCpu, jitPerTenant);
    }

    /// <summary>Onboards <paramref name="tenants"/> over <paramref name="clients"/> clients; <paramref name="tier"/> null: the server's default tier.</summary>
    internal static async Task OnboardAsync(SiloProcess silo, string prefix, int tenants, int clients, string? tier = null)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < tenants)
            {
                var slug = $"{prefix}_{i:00000}";
                using (var response = await silo.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = $"{slug} Ltd", tier }))
                {
                    response.EnsureSuccessStatusCode();

                    // As a client would: a tenant the answer shows Active already (a pooled one) needs no GET.
                    using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    if (answer.RootElement.GetProperty("state").GetString() == "Active")
                    {
                        continue;
                    }
                }

                await TenantFollower.WaitActiveAsync(silo, slug);
            }
        }));
    }

    /// <summary>One side's onboardings; <c>JitCpuMsPerTenant</c> is the JIT tier-up thread's share of the silo's CPU (see SiloJit), NaN for psql's side.</summary>
    internal sealed record Result(List<double> Durations, int Tenants, double Seconds, double ResidentMiB, double SiloCpuMsPerTenant, double ServerCpuMsPerTenant, double JitCpuMsPerTenant = double.NaN)
    {
        public double MedianMs => Stats.Median(Durations);

        public double P95Ms => Stats.Percentile(Durations, 95);

        public double PerSecond => Tenants / Seconds;

        public static Result Combine(IReadOnlyList<Result> rounds) => new(
            [.. rounds.SelectMany(r => r.Durations)],
            rounds.Sum(r => r.Tenants),
            rounds.Sum(r => r.Seconds),
            0,
            rounds.Sum(r => r.SiloCpuMsPerTenant * r.Tenants) / rounds.Sum(r => r.Tenants),
            rounds.Sum(r => r.ServerCpuMsPerTenant * r.Tenants) / rounds.Sum(r => r.Tenants),
            rounds.Sum(r => r.JitCpuMsPerTenant * r.Tenants) / rounds.Sum(r => r.Tenants));
    }
}
