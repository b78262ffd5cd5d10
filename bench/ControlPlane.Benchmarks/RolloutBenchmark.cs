using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Rolls one migration (ADD COLUMN + CREATE INDEX) over N tenant schemas through the API, beside the same SQL applied
/// by psql to N other schemas of the same shape over the same number of connections.
/// </summary>
internal static class RolloutBenchmark
{
    private const string Model = "CREATE TABLE components (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());";
    // The change builds its index as psql does (the baseline runs the same SQL), so its lint finding is accepted.
    private static readonly string[] AcceptedLint = ["create-index-not-concurrently"];

    private const string Change = "ALTER TABLE components ADD COLUMN owner text;\nCREATE INDEX components_owner_idx ON components (owner);";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var tenants = options.Int("tenants", 1000);
        var connections = options.Int("concurrency", 4);
        // Unless given, the rollout's own default: the work connections times the migration group size.
        int? maxParallel = options.Text("max-parallel") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : null;
        var groupSize = options.Int("group-size", 8);
        Console.WriteLine($"Rollout benchmark: {tenants} tenants, {connections} connections, migration groups of up to {groupSize}, {Environment.ProcessorCount} cores");
        await using var database = await BenchmarkDatabase.StartAsync(options.Text("pg"), maxConnections: 200);
        var migrations = Directory.CreateTempSubdirectory("controlplane-bench-migrations-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(migrations.FullName, "V0001__components.sql"), Model);
            await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "bench", new Dictionary<string, string>
            {
                ["ControlPlane__Tenants__MigrationsPath"] = migrations.FullName,
                ["ControlPlane__Database__WorkConnections"] = connections.ToString(CultureInfo.InvariantCulture),
                ["ControlPlane__Rollouts__GroupSize"] = groupSize.ToString(CultureInfo.InvariantCulture),
                ["Logging__LogLevel__Default"] = "Warning",
            });

            var watch = Stopwatch.StartNew();
            var warmup = options.Int("warmup", 400);
            var warmupRounds = options.Int("warmup-rounds", 3);
            for (var round = 0; round < warmupRounds; round++)
            {
                await CreateSchemasAsync(database, $"warm{round}", warmup, connections);
            }

            await CreateSchemasAsync(database, "cp", tenants, connections);
            await CreateSchemasAsync(database, "raw", tenants, connections);
            Console.WriteLine($"  set-up: {warmupRounds * warmup + 2 * tenants} schemas in {watch.Elapsed.TotalSeconds:0} s");

            // Warm the silo with rollouts over throw-away tenants, then retire them so the measured rollout covers
            // exactly the benchmark's tenants. A young silo is still compiling: tiered JIT recompiles a hot method
            // twice (instrumented, then optimised) on one background thread, which on two busy cores falls behind
            // the calls. After a single round (of 2,000 tenants) 1,134 methods were optimised during the measured
            // rollout, and that thread ran beside psql's first half too, slowing the raw side. So each round is
            // followed by a wait for the silo to go quiet. What is still compiled while measuring (about 1,000
            // methods over 2,000 tenants: opening connections as old ones retire, recording outcomes, refilling,
            // paths a 400-tenant round runs too few times) a long-running silo compiled long ago. Paths that run by
            // the clock rather than by the tenant (answering the status poll, recording outcomes every 200 ms) tier up
            // after some tens of calls, which short rounds polled every 250 ms never reach: 0.4-0.6 ms of the silo's
            // 1.1-1.3 ms per tenant was the tier-up thread's in the measured rollout even after three 1,000-tenant
            // rounds. So warm-up rounds poll every 5 ms, and the table shows what that thread still used.
            await File.WriteAllTextAsync(Path.Combine(migrations.FullName, "V0002__add_component_owner.sql"), Change);
            for (var round = 0; round < warmupRounds; round++)
            {
                await RegisterAsync(database, $"warm{round}", warmup);
                var jitAtStart = silo.JitCpuTime();
                await ControlPlaneAsync(silo, database, maxParallel, pollEveryMs: 5);
                await database.ScalarAsync<int>($"WITH d AS (UPDATE controlplane.tenants SET state = 'Deleted' WHERE slug LIKE 'warm{round}\\_%' RETURNING 1) SELECT count(*)::int FROM d");
                var (waited, used) = await Quiet.WaitAsync(silo, TimeSpan.FromSeconds(90));
                var jit = silo.JitCpuTime() - jitAtStart;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warm-up round {round + 1}: {warmup} tenants, then {waited.TotalSeconds:0.0} s until the silo was quiet ({used.TotalSeconds:0.0} s of its CPU; the JIT's tier-up thread {jit?.TotalSeconds:0.0} s in the round)"));
            }

            await RegisterAsync(database, "cp", tenants);

            // Raw before and after ours, halves each, so both meet the same drifting disk; each phase starts from a
            // checkpoint of its own (BenchmarkDatabase.CheckpointAsync), taken outside the CPU it is charged.
            var checkpointed = await database.CheckpointAsync();
            var serverBefore = database.ServerCpu();
            var walBefore = await database.WalAsync();
            var rawMemory = new BackendMemoryPeak(database.Postmaster);
            var rawFirst = await RawAsync(database, "raw", 0, tenants / 2, connections);
            await rawMemory.DisposeAsync();
            var serverAfterRaw = database.ServerCpu();
            var rawWal = await database.WalAsync() - walBefore;
            await database.CheckpointAsync();
            var serverBeforeOurs = database.ServerCpu();
            var walBeforeOurs = await database.WalAsync();
            var siloBefore = silo.CpuTime();
            var jitBefore = silo.JitCpuTime();
            var ourMemory = new BackendMemoryPeak(database.Postmaster);
            var ours = await ControlPlaneAsync(silo, database, maxParallel);
            await ourMemory.DisposeAsync();
            var siloCpu = (silo.CpuTime() - siloBefore).TotalMilliseconds / tenants;
            var jitCpu = (silo.JitCpuTime() - jitBefore)?.TotalMilliseconds / tenants ?? double.NaN;
            var serverAfterOurs = database.ServerCpu();
            var ourWal = await database.WalAsync() - walBeforeOurs;
            await database.CheckpointAsync();
            var serverBeforeRawSecond = database.ServerCpu();
            var walBeforeRawSecond = await database.WalAsync();
            var rawSecond = await RawAsync(database, "raw", tenants / 2, tenants, connections);
            var serverAfterAll = database.ServerCpu();
            rawWal += await database.WalAsync() - walBeforeRawSecond;
            var rawSeconds = rawFirst + rawSecond;
            var rawServerCpu = ((serverAfterRaw - serverBefore) + (serverAfterAll - serverBeforeRawSecond))?.TotalMilliseconds / tenants ?? double.NaN;
            var ourServerCpu = (serverAfterOurs - serverBeforeOurs)?.TotalMilliseconds / tenants ?? double.NaN;

            // Every benchmark tenant is at V2 now: a second rollout to V2 has nothing to do and should finish at once,
            // not walk its tenants. Its wall time by the database clock, like the measured rollout's.
            var noop = await ControlPlaneAsync(silo, database, maxParallel);

            // Tenants whose version records one transaction wrote: a migration group's.
            var commits = await database.ScalarAsync<long>(
                "SELECT count(DISTINCT xmin::text) FROM controlplane.tenant_migrations WHERE version = 2 AND slug LIKE 'cp\\_%'");

            Console.WriteLine();
            Console.WriteLine($"{"",-38}{"control plane",16}{"raw psql",16}{"ratio",10}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"wall time (s)",-38}{ours.Seconds,16:0.00}{rawSeconds,16:0.00}{ours.Seconds / rawSeconds,10:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"tenants per second",-38}{tenants / ours.Seconds,16:0}{tenants / rawSeconds,16:0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"PostgreSQL CPU per tenant (ms)",-38}{ourServerCpu,16:0.00}{rawServerCpu,16:0.00}{ourServerCpu / rawServerCpu,10:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"WAL per tenant (KiB)",-38}{ourWal.Bytes / 1024.0 / tenants,16:0.0}{rawWal.Bytes / 1024.0 / tenants,16:0.0}{(double)ourWal.Bytes / rawWal.Bytes,10:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  full-page images per tenant",-38}{(double)ourWal.FullPageImages / tenants,16:0.00}{(double)rawWal.FullPageImages / tenants,16:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo CPU per tenant (ms)",-38}{siloCpu,16:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  of it, the JIT's tier-up thread",-38}{jitCpu,16:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"silo resident memory after (MiB)",-38}{silo.ResidentBytes() / 1024.0 / 1024.0,16:0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"PostgreSQL backends at peak",-38}{ourMemory.Backends,16}{rawMemory.Backends,16}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"their private memory at peak (MiB)",-38}{ourMemory.Bytes / 1024.0 / 1024.0,16:0}{rawMemory.Bytes / 1024.0 / 1024.0,16:0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"commits (tenants per commit)",-38}{$"{commits} ({(double)tenants / commits:0.0})",16}{$"{tenants} (1.0)",16}"));
            Console.WriteLine($"{"rollout outcome",-38}{ours.Outcome,16}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"no-op rollout (all {tenants} tenants at the target)",-50}{noop.Seconds,8:0.000} s   target < 1 s, {noop.Outcome}"));
            Console.WriteLine();
            Console.WriteLine("ratio = control plane wall time / raw psql wall time (target <= 1.25); raw runs with synchronous_commit=off, as the lower bound.");
            Console.WriteLine(checkpointed
                ? "each phase (raw's halves, the control plane's) starts right after a CHECKPOINT, so none inherits the set-up's."
                : "no CHECKPOINT before the phases (the role lacks superuser or pg_checkpoint): a checkpoint the set-up started may run through either side.");
            Console.WriteLine($"backends: all the server's client backends during each side's run (the silo's registry, work and Orleans connections, idle ones included; and psql's {connections}); private memory is their RssAnon, where each caches the schemas it touched.");
            options.Figures.Add(BenchmarkFigure.RatioAtMost(
                "rollout", string.Create(CultureInfo.InvariantCulture, $"wall time, {tenants:N0} tenants (s)"), ours.Seconds, rawSeconds, ours.Seconds / rawSeconds, 1.25, "cp/raw"));
            return ours.Outcome == "Completed" ? 0 : 1;
        }
        finally
        {
            migrations.Delete(recursive: true);
        }
    }

    /// <summary>Creates schemas with the benchmark model in batches (registered separately, when their rollout comes: <see cref="RegisterAsync"/>).</summary>
    private static async Task CreateSchemasAsync(BenchmarkDatabase database, string prefix, int tenants, int connections)
    {
        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\n")).ToArray();
        for (var start = 0; start < tenants; start += 50)
        {
            var script = scripts[start / 50 % connections];
            script.Append("BEGIN;\n");
            for (var i = start; i < Math.Min(start + 50, tenants); i++)
            {
                var schema = $"tenant_{prefix}_{i:00000}";
                script.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA {schema};\nSET LOCAL search_path TO {schema};\n{Model}\n");
            }

            script.Append("COMMIT;\n");
        }

        await PsqlRunner.RunAsync(database, [.. scripts.Select(s => s.ToString())]);
    }

    /// <summary>
    /// Registry rows for tenants whose schemas exist: Active at V1 (since now, as an onboarded tenant has an activated_at:
    /// without one the rollout's update would be the one that sets it), V0001 recorded with its checksum.
    /// </summary>
    private static async Task RegisterAsync(BenchmarkDatabase database, string prefix, int tenants)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, migration_version, activated_at)
                    SELECT s, s, 'tenant_' || s, 'tenant_' || s, 'Active', 1, clock_timestamp()
                    FROM (SELECT $1 || '_' || lpad(i::text, 5, '0') AS s FROM generate_series(0, $2 - 1) i) g
                    """)
                {
                    Parameters = { new() { Value = prefix }, new() { Value = tenants } },
                },
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO controlplane.tenant_migrations (slug, version, name, checksum, duration_ms)
                    SELECT $1 || '_' || lpad(i::text, 5, '0'), 1, 'components', $3, 0 FROM generate_series(0, $2 - 1) i
                    """)
                {
                    Parameters = { new() { Value = prefix }, new() { Value = tenants }, new() { Value = Checksums.Of(Model) } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync();
    }

    private static async Task<double> RawAsync(BenchmarkDatabase database, string prefix, int from, int to, int connections)
    {
        var scripts = Enumerable.Range(0, connections).Select(_ => new StringBuilder("SET client_min_messages = warning;\nSET synchronous_commit = off;\n")).ToArray();
        for (var i = from; i < to; i++)
        {
            scripts[i % connections].Append(CultureInfo.InvariantCulture, $"BEGIN;\nSET LOCAL search_path TO tenant_{prefix}_{i:00000};\n{Change}\nCOMMIT;\n");
        }

        var watch = Stopwatch.StartNew();
        await PsqlRunner.RunAsync(database, [.. scripts.Select(s => s.ToString())]);
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Seconds, string Outcome)> ControlPlaneAsync(SiloProcess silo, BenchmarkDatabase database, int? maxParallel, int pollEveryMs = 250)
    {
        using var started = await silo.Http.PostAsJsonAsync("/v1/rollouts", new { targetVersion = 2, maxParallel, acceptLint = AcceptedLint });
        started.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        string state;
        do
        {
            await Task.Delay(pollEveryMs);
            using var body = JsonDocument.Parse(await silo.Http.GetStringAsync($"/v1/rollouts/{id}"));
            state = body.RootElement.GetProperty("state").GetString()!;
        }
        while (state is "Running");

        // The rollout's own duration by the database clock, from its record.
        var seconds = await database.ScalarAsync<double>($"SELECT extract(epoch FROM finished_at - created_at)::float8 FROM controlplane.rollouts WHERE id = '{id}'");
        return (seconds, state);
    }
}
