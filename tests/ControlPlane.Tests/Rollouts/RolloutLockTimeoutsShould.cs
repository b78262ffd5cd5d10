using System.Diagnostics;
using System.Net;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Rollouts;

/// <summary>
/// A tenant's own transaction holds a lock on a table a rollout alters: the migration must wait only the lock timeout
/// each time (so the tenant's other queries, queued behind it, wait no longer), be tried again, and succeed once the
/// lock is free; or fail with its tries when they run out. Real silo, real PostgreSQL locks.
/// </summary>
public sealed class RolloutLockTimeoutsShould
{
    private const string AddOwner = "ALTER TABLE components ADD COLUMN owner text;";

    // The correctness bound of the issue: a read queued behind the waiting ALTER waits about the lock timeout, never the
    // control plane's 10 s session timeout. The margin covers scheduling on a shared test machine, not a second wait.
    private static readonly TimeSpan ReadMargin = TimeSpan.FromSeconds(1.5);

    private static readonly (string, string)[] PatientRetries =
    [
        ("ControlPlane:Migrations:LockTries", "60"),
        ("ControlPlane:Migrations:LockRetryBaseDelay", "00:00:00.100"),
        ("ControlPlane:Migrations:LockRetryMaxDelay", "00:00:00.400"),
    ];

    [Fact]
    public async Task Keep_each_tenant_read_under_the_lock_timeout_and_succeed_once_the_tenants_lock_is_released()
    {
        await using var fixture = await RolloutFixture.StartAsync(PatientRetries);
        var slug = (await fixture.OnboardAsync("lockwait", 1))[0];
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        await using var holder = await OpenAsTenantAsync(fixture, slug);
        var holding = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT count(*) FROM components", holding); // ACCESS SHARE until the transaction ends
        var lockTimeout = TimeSpan.FromSeconds(1);

        var id = await fixture.Rollouts.StartOkAsync(new { lockTimeout = "1s" });
        using var stopReading = new CancellationTokenSource();
        await using var reader = await OpenAsTenantAsync(fixture, slug);
        using var api = TenantTokens.ClientFor(fixture.Silo, slug);
        var directReads = ReadUntilAsync(() => ExecuteAsync(reader, "SELECT count(*) FROM components"), stopReading.Token);
        var apiReads = ReadUntilAsync(async () => (await api.GetAsync("/v1/me/components")).EnsureSuccessStatusCode().Dispose(), stopReading.Token);
        var waiting = await Eventually.ReadsAsync(
            () => fixture.Tenants.GetAsync(slug),
            t => t?.LockWait is { Tries: >= 3 },
            $"tenant {slug} to show a lock wait of at least 3 tries",
            t => $"lockWait {t?.LockWait?.ToString() ?? "none"}, version {t?.MigrationVersion}, lastError '{t?.LastError}'",
            TimeSpan.FromSeconds(60));
        var rolloutWaiting = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Running, also: r => r.LockWaiting == 1);
        await holding.CommitAsync();
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        await stopReading.CancelAsync();
        var direct = await directReads;
        var viaApi = await apiReads;
        var tenant = await fixture.Tenants.GetAsync(slug);

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, waiting!.LockWait!.LastError[..5]);
        Assert.Equal(ProvisioningStep.Migrate, waiting.LockWait.Step);
        Assert.Equal(3, waiting.MigrationVersion);
        Assert.Equal(1000, rolloutWaiting.LockTimeoutMs);
        Assert.True(direct.Count >= 3 && viaApi.Count >= 3, $"reads during the wait: {direct.Count} direct, {viaApi.Count} through /v1/me");
        Assert.True(direct.Max() < lockTimeout + ReadMargin, $"slowest direct read {direct.Max().TotalMilliseconds:0} ms of {direct.Count}");
        Assert.True(viaApi.Max() < lockTimeout + ReadMargin, $"slowest /v1/me read {viaApi.Max().TotalMilliseconds:0} ms of {viaApi.Count}");
        Assert.Equal(1, done.Totals.Succeeded);
        Assert.Equal(0, done.Totals.Failed);
        Assert.Empty(done.FailedTenants);
        Assert.Equal(0, done.LockWaiting);
        Assert.Equal(1, done.LockRetried);
        Assert.True(await fixture.Database.ScalarAsync<int>("SELECT lock_tries FROM controlplane.rollout_tenants WHERE rollout_id = $1", id) >= 4);
        Assert.Equal(4, tenant!.MigrationVersion);
        Assert.Equal(TenantStatus.Active, tenant.State);
        Assert.Null(tenant.LastError);
        Assert.Null(tenant.LockWait);
        Assert.Contains(tenant.Timeline, e => e.Detail is { } d && d.Contains("applied V0004", StringComparison.Ordinal) && d.Contains("earlier tries gave up waiting for a lock", StringComparison.Ordinal));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE '%55P03%'", slug));
    }

    [Fact]
    public async Task Fail_the_tenant_with_its_tries_and_the_lock_error_when_the_tries_run_out()
    {
        await using var fixture = await RolloutFixture.StartAsync(
            ("ControlPlane:Migrations:LockTries", "3"),
            ("ControlPlane:Migrations:LockRetryBaseDelay", "00:00:00.050"),
            ("ControlPlane:Migrations:LockRetryMaxDelay", "00:00:00.200"));
        var slug = (await fixture.OnboardAsync("lockgiveup", 1))[0];
        fixture.Migrations.Write("V0004__add_component_owner.sql", AddOwner);
        await using var holder = await OpenAsTenantAsync(fixture, slug);
        var holding = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT count(*) FROM components", holding);

        var id = await fixture.Rollouts.StartOkAsync(new { lockTimeout = "200ms" });
        var halted = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, also: r => r.Totals.Running == 0);
        await holding.RollbackAsync();
        var tenant = await fixture.Tenants.GetAsync(slug);

        var failure = Assert.Single(halted.FailedTenants);
        Assert.Equal(slug, failure.Slug);
        Assert.Equal(3, failure.LockTries);
        Assert.StartsWith("V0004__add_component_owner.sql: 55P03", failure.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 tries, each waiting at most 200 ms for a lock", failure.Error, StringComparison.Ordinal);
        Assert.Equal(0, halted.LockWaiting);
        Assert.Equal(3, tenant!.MigrationVersion);
        Assert.Equal(TenantStatus.Active, tenant.State);
        Assert.Equal(failure.Error, tenant.LastError);
        Assert.Null(tenant.LockWait);
    }

    [Fact]
    public async Task Fail_a_runaway_migration_at_the_statement_timeout_without_retrying_it()
    {
        await using var fixture = await RolloutFixture.StartAsync(PatientRetries);
        var slug = (await fixture.OnboardAsync("runaway", 1))[0];
        fixture.Migrations.Write("V0004__runaway.sql", "SELECT pg_sleep(60);");
        var watch = Stopwatch.StartNew();

        var id = await fixture.Rollouts.StartOkAsync(new { statementTimeout = "1s", lockTimeout = "500ms" });
        var halted = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Halted, TimeSpan.FromSeconds(30), r => r.Totals.Running == 0);

        var failure = Assert.Single(halted.FailedTenants);
        Assert.Contains("57014", failure.Error, StringComparison.Ordinal);
        Assert.Contains("statement timeout of 1000 ms", failure.Error, StringComparison.Ordinal);
        Assert.Equal(1, failure.LockTries);
        Assert.Equal(1000, halted.StatementTimeoutMs);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"halted after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(3, await fixture.VersionAsync(slug));
    }

    [Fact]
    public async Task Retry_a_no_transaction_migration_that_waits_for_a_writer_and_apply_it_once_the_writer_commits()
    {
        await using var fixture = await RolloutFixture.StartAsync(PatientRetries);
        var slug = (await fixture.OnboardAsync("lockcic", 1))[0];
        fixture.Migrations.Write("V0004__index_component_names.sql", "-- controlplane:no-transaction\nCREATE INDEX CONCURRENTLY components_name_lower ON components (lower(name));");
        await using var writer = await OpenAsTenantAsync(fixture, slug);
        var writing = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, "LOCK TABLE components IN ROW EXCLUSIVE MODE", writing); // what an open INSERT holds

        var id = await fixture.Rollouts.StartOkAsync(new { lockTimeout = "300ms" });
        await Eventually.ReadsAsync(
            () => fixture.Tenants.GetAsync(slug),
            t => t?.LockWait is { Tries: >= 2 },
            $"tenant {slug} to show a lock wait of at least 2 tries",
            t => $"lockWait {t?.LockWait?.ToString() ?? "none"}, lastError '{t?.LastError}'");
        await writing.CommitAsync();
        var done = await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);

        Assert.Equal(1, done.Totals.Succeeded);
        Assert.Equal(1, done.LockRetried);
        Assert.Equal(4, await fixture.VersionAsync(slug));
        Assert.Equal("Applied", await fixture.Database.ScalarAsync<string>("SELECT status FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", slug));
        Assert.True(await fixture.Database.ScalarAsync<bool>(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = $1::regclass", $"tenant_{slug}.components_name_lower"));
    }

    [Fact]
    public async Task Refuse_a_bad_lock_or_statement_timeout_naming_the_field()
    {
        await using var fixture = await RolloutFixture.StartAsync();

        var bad = new (object Body, string Field)[]
        {
            (new { lockTimeout = "fast" }, "lockTimeout"),
            (new { lockTimeout = "0ms" }, "lockTimeout"),
            (new { lockTimeout = "2h" }, "lockTimeout"),
            (new { lockTimeout = "PT-1S" }, "lockTimeout"),
            (new { statementTimeout = "10 years" }, "statementTimeout"),
            (new { statementTimeout = "7h" }, "statementTimeout"),
            (new { lockTimeout = "2s", statementTimeout = "PT1S" }, "statementTimeout"),
        };
        var problems = new List<(string Field, HttpStatusCode Status, Problem Problem)>();
        foreach (var (body, field) in bad)
        {
            using var response = await fixture.Rollouts.StartAsync(body);
            problems.Add((field, response.StatusCode, await Problem.ReadAsync(response)));
        }

        Assert.All(problems, p => Assert.Equal(HttpStatusCode.BadRequest, p.Status));
        Assert.All(problems, p => Assert.Equal([p.Field], p.Problem.Errors!.Keys));
        Assert.Contains("\"500ms\"", problems[0].Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("between 10 ms and 1 min", problems[1].Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    private static async Task<NpgsqlConnection> OpenAsTenantAsync(RolloutFixture fixture, string slug)
    {
        var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"SET ROLE \"tenant_{slug}\"; SET search_path TO \"tenant_{slug}\"");
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 60 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="read"/> back to back until stopped; returns how long each took.</summary>
    private static async Task<List<TimeSpan>> ReadUntilAsync(Func<Task> read, CancellationToken stop)
    {
        var durations = new List<TimeSpan>();
        while (!stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            await read();
            durations.Add(watch.Elapsed);
        }

        return durations;
    }
}
