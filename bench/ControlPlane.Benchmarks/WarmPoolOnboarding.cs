using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Steps;
using ControlPlane.Grains.Tenants.WarmPool;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The onboarding benchmark's warm pool path: a silo with <c>WarmPoolSize</c> = <c>--pool</c> claims half of it per
/// round, one tenant per claim (the pool is refilled between rounds, not timed; <c>--warmup</c> unmeasured claims come
/// first), against the claim done by psql on schemas psql built ahead: rename schema and role, password, marker, path, the seed and a registry row, one transaction per tenant.
/// </summary>
internal static class WarmPoolOnboarding
{
    public static async Task<PoolResult> RunAsync(BenchmarkDatabase database, BenchmarkOptions options, int concurrency, int rounds, int warmup, string[] migrations, string seed)
    {
        var size = options.Int("pool", 20);

        // A burst within the pool: half of it per round, so the refiller (which holds off while claims come and half
        // the pool is left) builds between rounds, as it would between bursts.
        var claims = Math.Max(1, size / 2);
        var raw = new List<OnboardingBenchmark.Result>();
        var ours = new List<OnboardingBenchmark.Result>();
        var rawAlone = new List<OnboardingBenchmark.Result>();
        var oursAlone = new List<OnboardingBenchmark.Result>();
        await using (var raws = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        {
            await using var table = raws.CreateCommand("CREATE TABLE IF NOT EXISTS public.bench_raw_claims (slug text PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
            await table.ExecuteNonQueryAsync();
        }

        await using var silo = await OnboardingBenchmark.StartSiloAsync(database, concurrency, options, size);

        // Unmeasured claims first, as many as the build path's warm-up (in bursts of the same size, the pool refilled
        // between them): tiered JIT promotes the claim path's code over its first ~150-200 calls, and a running
        // control plane has long passed them. One burst alone measured Tier0 code (median 18.6 ms against 11-14 ms).
        for (var warmed = 0; warmed < warmup; warmed += claims)
        {
            await WaitFullAsync(silo, size);
            await OnboardingBenchmark.OnboardAsync(silo, $"poolwarm{warmed}", Math.Min(claims, warmup - warmed), concurrency);
        }

        for (var round = 0; round < rounds; round++)
        {
            // Full before psql's round too: a refill running beside it would count in its PostgreSQL CPU. Quiet too:
            // the JIT's background recompilation of what the warm-up ran would otherwise share the cores with
            // whichever side comes next (see Quiet).
            await WaitFullAsync(silo, size);
            await Quiet.WaitAsync(silo, TimeSpan.FromSeconds(60));
            raw.Add(await RawClaimAsync(database, $"rawpool{round}", claims, concurrency, migrations, seed));
            ours.Add(await OnboardingBenchmark.ControlPlaneAsync(database, silo, claims, concurrency, $"pool{round}"));

            // The same burst from one client: an onboarding's own latency, without the others' queueing for 2 cores.
            await WaitFullAsync(silo, size);
            await Quiet.WaitAsync(silo, TimeSpan.FromSeconds(60));
            rawAlone.Add(await RawClaimAsync(database, $"rawpoolone{round}", claims, 1, migrations, seed));
            oursAlone.Add(await OnboardingBenchmark.ControlPlaneAsync(database, silo, claims, 1, $"poolone{round}"));
        }

        var claimed = await database.ScalarAsync<long>(
            "SELECT count(*) FROM controlplane.tenant_events WHERE slug LIKE 'pool%' AND slug NOT LIKE 'poolwarm%' AND detail LIKE 'claimed warm pool schema %'");
        return new PoolResult(
            size, concurrency, OnboardingBenchmark.Result.Combine(ours), OnboardingBenchmark.Result.Combine(raw),
            OnboardingBenchmark.Result.Combine(oursAlone), OnboardingBenchmark.Result.Combine(rawAlone), claimed);
    }

    private static async Task WaitFullAsync(SiloProcess silo, int size)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await silo.Http.GetAsync("/v1/pool");
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (body.RootElement.GetProperty("ready").GetInt32() >= size)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"The warm pool did not refill to {size} within 10 minutes: {body.RootElement}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<OnboardingBenchmark.Result> RawClaimAsync(BenchmarkDatabase database, string prefix, int tenants, int connections, string[] migrations, string seed)
    {
        // Built ahead by psql (not timed), as the refiller builds them: role, schema, migrations, one transaction each.
        var names = Enumerable.Range(0, tenants).Select(_ => PoolSchemaName.New()).ToArray();
        var build = new StringBuilder("SET client_min_messages = warning;\n");
        foreach (var name in names)
        {
            build.Append("BEGIN;\n").Append(TenantDdl.CreatePoolRoleAndSchema(name, database.Database)).Append('\n');
            foreach (var migration in migrations)
            {
                build.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(name)};\n").Append(migration).Append('\n');
            }

            build.Append("COMMIT;\n");
        }

        await PsqlRunner.RunAsync(database, [build.ToString()]);

        // Autovacuum analyses the tables just built; its CPU belongs to the build, not to the claims measured next.
        await Quiet.WaitAsync(database, TimeSpan.FromSeconds(30));

        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\nSET synchronous_commit = off;\n")).ToArray();
        for (var i = 0; i < tenants; i++)
        {
            var slug = TenantSlug.Parse($"{prefix}_{i:00000}");
            var script = scripts[i % connections];
            script.Append(PsqlRunner.Mark("start", slug.Value));
            script.Append("BEGIN;\n");
            script.Append(ClaimPoolSchema(names[i], slug, database.Database, ScramVerifier.Create(Guid.NewGuid().ToString()))).Append('\n');
            script.Append(CultureInfo.InvariantCulture, $"INSERT INTO public.bench_raw_claims (slug) VALUES ({PgIdentifier.Literal(slug.Value)});\n");
            script.Append(CultureInfo.InvariantCulture, $"SELECT set_config('controlplane.tenant_display_name', {PgIdentifier.Literal(slug.Value + " Ltd")}, true), set_config('controlplane.tenant_slug', {PgIdentifier.Literal(slug.Value)}, true) \\g /dev/null\n");
            script.Append(CultureInfo.InvariantCulture, $"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)};\n");
            script.Append(seed).Append('\n');
            script.Append("COMMIT;\n");
            script.Append(PsqlRunner.Mark("end", slug.Value));
        }

        return await OnboardingBenchmark.RunRawAsync(database, scripts, tenants);
    }

    /// <summary>
    /// The statements <c>controlplane.claim_pool_schema</c> (registry upgrade R0027) runs, spelled out for psql: the pool
    /// schema and its role renamed to the tenant's, the role's password set after the rename, LOGIN, marker and path.
    /// </summary>
    private static string ClaimPoolSchema(string poolName, TenantSlug slug, string database, string scramVerifier)
    {
        var schema = PgIdentifier.Quote(slug.SchemaName);
        var role = PgIdentifier.Quote(slug.RoleName);
        return $"""
            ALTER SCHEMA {PgIdentifier.Quote(poolName)} RENAME TO {schema};
            ALTER ROLE {PgIdentifier.Quote(poolName)} RENAME TO {role};
            ALTER ROLE {role} LOGIN PASSWORD {PgIdentifier.Literal(scramVerifier)};
            COMMENT ON ROLE {role} IS {PgIdentifier.Literal(TenantRoles.Marker(database, slug))};
            ALTER ROLE {role} IN DATABASE {PgIdentifier.Quote(database)} SET search_path TO {schema};
            """;
    }

    /// <summary>What the pool rounds measured.</summary>
    internal sealed record PoolResult(
        int Size, int Clients, OnboardingBenchmark.Result Ours, OnboardingBenchmark.Result Raw,
        OnboardingBenchmark.Result OursAlone, OnboardingBenchmark.Result RawAlone, long Claimed)
    {

        public void Print(Action<string, double, double, double> row)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warm pool (WarmPoolSize {Size}, half of it claimed per round from {Clients} clients, then from 1, refilled between; raw = the claim by psql: rename, password, seed, a row), POST-to-Active:"));
            row(string.Create(CultureInfo.InvariantCulture, $"  median, {Clients} clients (ms)"), Ours.MedianMs, Raw.MedianMs, Ours.MedianMs / Raw.MedianMs);
            row(string.Create(CultureInfo.InvariantCulture, $"  p95, {Clients} clients (ms)"), Ours.P95Ms, Raw.P95Ms, Ours.P95Ms / Raw.P95Ms);
            row("  PostgreSQL CPU per tenant (ms)", Ours.ServerCpuMsPerTenant, Raw.ServerCpuMsPerTenant, Ours.ServerCpuMsPerTenant / Raw.ServerCpuMsPerTenant);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  silo CPU per tenant (ms)",-34}{Ours.SiloCpuMsPerTenant,16:0.0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"    of it, the JIT's tier-up thread",-34}{Ours.JitCpuMsPerTenant,16:0.0}"));
            row("  median, 1 client (ms)", OursAlone.MedianMs, RawAlone.MedianMs, OursAlone.MedianMs / RawAlone.MedianMs);
            row("  p95, 1 client (ms)", OursAlone.P95Ms, RawAlone.P95Ms, OursAlone.P95Ms / RawAlone.P95Ms);
            var tenants = Ours.Tenants + OursAlone.Tenants;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  claimed from the pool",-34}{Claimed,16} of {tenants} (the rest built: the pool ran dry)"));
        }

        public void AddFigures(List<BenchmarkFigure> figures)
        {
            figures.Add(BenchmarkFigure.ValueBelow(
                "onboarding", string.Create(CultureInfo.InvariantCulture, $"warm pool median POST-to-Active (ms), {Ours.Tenants:N0} tenants, {Clients} clients"), Ours.MedianMs, Raw.MedianMs, 10, "ms"));
            figures.Add(BenchmarkFigure.ValueBelow(
                "onboarding", string.Create(CultureInfo.InvariantCulture, $"warm pool median POST-to-Active (ms), {OursAlone.Tenants:N0} tenants, 1 client"), OursAlone.MedianMs, RawAlone.MedianMs, 10, "ms"));
        }
    }
}
