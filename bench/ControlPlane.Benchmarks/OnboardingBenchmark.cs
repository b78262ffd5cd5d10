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
        var warmup = concurrency * 2;
        Console.WriteLine($"Onboarding benchmark: {tenants} tenants, {concurrency} connections/clients, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 200);
        var migrations = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations"), "V*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TenantModel", "seed.sql"));

        // The database as a silo leaves it at start (registry, tenant group role), so both sides run the same DDL.
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            await new ControlPlane.Grains.Registry.RegistrySchema(Microsoft.Extensions.Logging.Abstractions.NullLogger<ControlPlane.Grains.Registry.RegistrySchema>.Instance)
                .UpgradeAsync(dataSource, CancellationToken.None);
        }

        // Raw first, on the smaller catalogue: the baseline gets the easier conditions.
        await RawAsync(database, "rawwarm", warmup, concurrency, migrations, seed);
        var raw = await RawAsync(database, "raw", tenants, concurrency, migrations, seed);
        var ours = await ControlPlaneAsync(database, tenants, concurrency, warmup);

        Console.WriteLine();
        Console.WriteLine($"{"",-34}{"control plane",16}{"raw psql",16}{"ratio",10}");
        Row("median POST-to-Active (ms)", ours.MedianMs, raw.MedianMs, ours.MedianMs / raw.MedianMs);
        Row("p95 POST-to-Active (ms)", ours.P95Ms, raw.P95Ms, ours.P95Ms / raw.P95Ms);
        Row("tenants per second", ours.PerSecond, raw.PerSecond, raw.PerSecond / ours.PerSecond);
        Console.WriteLine($"{"silo resident memory (MiB)",-34}{ours.ResidentMiB,16:0}");
        Console.WriteLine($"{"silo CPU per tenant (ms)",-34}{ours.SiloCpuMsPerTenant,16:0.0}");
        Console.WriteLine();
        Console.WriteLine("ratio = control plane / raw for times, raw / control plane for throughput (1.00 = as fast as raw SQL; target <= 1.30)");
        return 0;
    }

    private static void Row(string name, double ours, double raw, double ratio) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34}{ours,16:0.0}{raw,16:0.0}{ratio,10:0.00}"));

    private static async Task<Result> RawAsync(BenchmarkDatabase database, string prefix, int tenants, int connections, string[] migrations, string seed)
    {
        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\n")).ToArray();
        for (var i = 0; i < tenants; i++)
        {
            var slug = TenantSlug.Parse($"{prefix}_{i:00000}");
            var script = scripts[i % connections];
            script.Append(PsqlRunner.Mark("start", slug.Value));
            script.Append("BEGIN;\n");
            script.Append(TenantDdl.CreateRoleAndSchema(slug, database.Database, ScramVerifier.Create(Guid.NewGuid().ToString()), roleExists: false)).Append('\n');
            script.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)};\n");
            foreach (var migration in migrations)
            {
                script.Append(migration).Append('\n');
            }

            script.Append(CultureInfo.InvariantCulture, $"SELECT set_config('controlplane.tenant_display_name', {PgIdentifier.Literal(slug.Value + " Ltd")}, true), set_config('controlplane.tenant_slug', {PgIdentifier.Literal(slug.Value)}, true) \\g /dev/null\n");
            script.Append(seed).Append('\n');
            script.Append("COMMIT;\n");
            script.Append(PsqlRunner.Mark("end", slug.Value));
        }

        var watch = Stopwatch.StartNew();
        var marks = await PsqlRunner.RunAsync(database, [.. scripts.Select(s => s.ToString())]);
        var seconds = watch.Elapsed.TotalSeconds;
        var starts = marks.Where(m => m.Mark == "start").ToDictionary(m => m.Key, m => m.Epoch);
        var durations = marks.Where(m => m.Mark == "end").Select(m => (m.Epoch - starts[m.Key]) * 1000).ToList();
        return new Result(Stats.Median(durations), Stats.Percentile(durations, 95), tenants / seconds, 0, 0);
    }

    private static async Task<Result> ControlPlaneAsync(BenchmarkDatabase database, int tenants, int clients, int warmup)
    {
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench", new Dictionary<string, string>
        {
            ["ControlPlane__Database__WorkConnections"] = clients.ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Database__RegistryPoolSize"] = (clients * 2).ToString(CultureInfo.InvariantCulture),
            ["ControlPlane__Provisioning__SweepInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await OnboardAsync(silo, "warm", warmup, clients);
        var cpuBefore = silo.CpuTime();
        var watch = Stopwatch.StartNew();
        await OnboardAsync(silo, "cp", tenants, clients);
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuPerTenant = (silo.CpuTime() - cpuBefore).TotalMilliseconds / tenants;

        // Each tenant's own time, by the database's clock: from its registration to its Active event.
        var durations = new List<double>();
        var text = await database.ScalarAsync<string>(
            """
            SELECT string_agg(ms::text, ',') FROM (
                SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.to_state = 'Active') - t.created_at) * 1000 AS ms
                FROM controlplane.tenants t JOIN controlplane.tenant_events e USING (slug)
                WHERE t.slug LIKE 'cp\_%' GROUP BY t.slug, t.created_at) d
            """);
        durations.AddRange(text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        return new Result(Stats.Median(durations), Stats.Percentile(durations, 95), tenants / seconds, silo.ResidentBytes() / 1024.0 / 1024.0, cpuPerTenant);
    }

    private static async Task OnboardAsync(SiloProcess silo, string prefix, int tenants, int clients)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < tenants)
            {
                var slug = $"{prefix}_{i:00000}";
                using (var response = await silo.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = $"{slug} Ltd" }))
                {
                    response.EnsureSuccessStatusCode();
                }

                // Follow the tenant with waiting conditional GETs (one answer per state change), as a client would.
                string? etag = null;
                while (true)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{slug}");
                    if (etag is not null)
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                        request.Headers.TryAddWithoutValidation("Prefer", "wait=30");
                    }

                    using var response = await silo.Http.SendAsync(request);
                    etag = response.Headers.ETag?.Tag ?? etag;
                    if (response.StatusCode == System.Net.HttpStatusCode.NotModified)
                    {
                        continue;
                    }

                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    var state = body.RootElement.GetProperty("state").GetString();
                    if (state == "Active")
                    {
                        break;
                    }

                    if (state == "Failed")
                    {
                        throw new InvalidOperationException($"Tenant {slug} failed: {body.RootElement.GetProperty("lastError")}");
                    }
                }
            }
        }));
    }

    private sealed record Result(double MedianMs, double P95Ms, double PerSecond, double ResidentMiB, double SiloCpuMsPerTenant);
}
