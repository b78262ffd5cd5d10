using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Backups;

/// <summary>
/// A silo process SIGKILLed in the middle of a backup and of a restore. The test holds a lock the operation must wait
/// for, so the kill lands at a known point (a backup half written; a restore loaded and verified, before its swap).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class BackupCrashShould : IAsyncLifetime
{
    private readonly TestBackupStore _store = new();
    private TestDatabase _database = null!;

    private Dictionary<string, string> Settings => new() { ["ControlPlane__Backups__Directory"] = _store.Path };

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task Leave_a_backup_Failed_without_its_file_and_the_tenant_untouched_when_the_silo_is_killed_mid_backup()
    {
        var slug = TestSlugs.New("bkkill");
        var (backupId, before) = await KillMidBackupAsync(slug, Settings);

        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "backup-silo", Settings);
        var tenants = new TenantsClient(restarted.Http, ownsHttp: false);

        // The new activation's first call is a repeated POST, the one call that does not start the recovery: the
        // calls after it must still find the interrupted backup recovered.
        var again = await tenants.OnboardAsync(slug);
        var backups = new BackupsClient(tenants, _database);
        var interrupted = await backups.GetAsync(slug, backupId);
        var next = await backups.TakeAsync(slug);

        Assert.Equal(TenantStatus.Active, again.State);
        Assert.Equal(BackupState.Failed, interrupted.State);
        Assert.Contains("interrupted", interrupted.Error);
        Assert.False(File.Exists(Path.Combine(_store.Path, slug, backupId + ".sql.partial")));
        Assert.False(File.Exists(Path.Combine(_store.Path, slug, backupId + ".sql")));
        Assert.Equal(before, await backups.ChecksumsAsync(slug));
        Assert.Equal(100, next.TableRows["users"]);
    }

    [Fact]
    public async Task Leave_the_tenant_as_it_was_when_the_silo_is_killed_mid_restore_before_the_swap()
    {
        var slug = TestSlugs.New("rskill");
        Dictionary<string, string> changed;
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "restore-silo", Settings);
        try
        {
            var client = new TenantsClient(silo.Http, ownsHttp: false);
            var backups = new BackupsClient(client, _database);
            await client.OnboardAsync(slug);
            var backup = await backups.TakeAsync(slug);
            await _database.ExecuteAsync($"INSERT INTO tenant_{slug}.tags (name) SELECT 'after ' || i FROM generate_series(1, 20) i");
            changed = await backups.ChecksumsAsync(slug);

            // The swap takes the tenant's row lock; the load before it does not.
            await using var holder = await HoldAsync($"SELECT 1 FROM controlplane.tenants WHERE slug = '{slug}' FOR NO KEY UPDATE");
            var restore = backups.RestoreAsync(slug, backup.Id);
            await Eventually.HoldsAsync(
                async () => await _database.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname LIKE 'cp\\_restore\\_%' AND c.relname = 'versions'") == 1
                    && await LockWaitersAsync() > 0,
                "the restore to be loaded and waiting to swap");
            await silo.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => restore);
        }
        finally
        {
            await silo.DisposeAsync();
        }

        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "restore-silo", Settings);
        var tenants = new TenantsClient(restarted.Http, ownsHttp: false);
        var tenant = await tenants.GetAsync(slug);

        Assert.Equal(changed, await new BackupsClient(tenants, _database).ChecksumsAsync(slug));
        Assert.Contains(tenant!.Timeline, e => e.Detail?.Contains("interrupted before the swap", StringComparison.Ordinal) == true);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cp\\_re%'"));
        Assert.Equal("Failed", await _database.ScalarAsync<string>("SELECT phase FROM controlplane.tenant_restores WHERE slug = $1", slug));
        Assert.Equal(3, tenant.MigrationVersion);
    }

    [Fact]
    public async Task Recover_the_killed_silos_backup_before_a_rollout_migrates_the_tenant_in_its_first_call()
    {
        using var migrations = new MigrationFolder();
        var settings = new Dictionary<string, string>(Settings) { ["ControlPlane__Tenants__MigrationsPath"] = migrations.Path };
        var slug = TestSlugs.New("bkroll");
        var (backupId, _) = await KillMidBackupAsync(slug, settings);

        // The restarted silo's first call to the tenant's grain is the rollout's migration: the recovery question rides
        // in its first row lock, and what the dead silo left must still be recovered before the migration runs.
        migrations.Write("V0004__owner.sql", "ALTER TABLE components ADD COLUMN owner text;");
        await using var restarted = await SiloProcess.StartAsync(_database.ConnectionString, "backup-silo", settings);
        using var started = await restarted.Http.PostAsJsonAsync("/v1/rollouts", new { maxParallel = 1 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!.Id;
        var done = await new RolloutsClient(restarted.Http).WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(90));
        var timeline = await _database.QueryAsync<string>(
            $"SELECT detail FROM controlplane.tenant_events WHERE slug = '{slug}' AND (detail LIKE 'backup % was interrupted%' OR detail LIKE 'applied V0004%') ORDER BY id");
        var backup = await new BackupsClient(new TenantsClient(restarted.Http, ownsHttp: false), _database).GetAsync(slug, backupId);

        Assert.Equal(1, done.Totals.Succeeded);
        Assert.Equal(BackupState.Failed, backup.State);
        Assert.Contains("interrupted", backup.Error);
        Assert.False(File.Exists(Path.Combine(_store.Path, slug, backupId + ".sql.partial")));
        Assert.Equal(2, timeline.Count);
        Assert.StartsWith($"backup {backupId}", timeline[0]);
        Assert.StartsWith("applied V0004", timeline[1]);
    }

    /// <summary>Onboards <paramref name="slug"/> with 100 users, starts a backup, and kills the silo with the backup half written.</summary>
    private async Task<(string BackupId, Dictionary<string, string> Before)> KillMidBackupAsync(string slug, Dictionary<string, string> settings)
    {
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "backup-silo", settings);
        try
        {
            var client = new TenantsClient(silo.Http, ownsHttp: false);
            await client.OnboardAsync(slug);
            await _database.ExecuteAsync($"INSERT INTO tenant_{slug}.users (email, name) SELECT 'u' || i || '@x.test', 'u' FROM generate_series(1, 100) i");
            var before = await new BackupsClient(client, _database).ChecksumsAsync(slug);

            await using var holder = await HoldAsync($"LOCK TABLE tenant_{slug}.users IN ACCESS EXCLUSIVE MODE");
            using var started = await silo.Http.PostAsync($"/v1/tenants/{slug}/backups", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var backupId = started.Headers.Location!.OriginalString.Split('/')[^1];
            await Eventually.HoldsAsync(
                async () => File.Exists(Path.Combine(_store.Path, slug, backupId + ".sql.partial")) && await LockWaitersAsync() > 0,
                "the backup to be half written, waiting for the locked table");
            await silo.KillAsync();
            return (backupId, before);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>Runs <paramref name="sql"/> in a transaction that stays open (holding its locks) until disposed.</summary>
    private async Task<NpgsqlConnection> HoldAsync(string sql)
    {
        var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("BEGIN; " + sql, connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private Task<long> LockWaitersAsync() =>
        _database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
}
