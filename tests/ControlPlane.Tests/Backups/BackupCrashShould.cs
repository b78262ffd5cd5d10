using System.Net;
using ControlPlane.Grains.Backups;
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
        string backupId;
        Dictionary<string, string> before;
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, "backup-silo", Settings);
        try
        {
            var client = new TenantsClient(silo.Http, ownsHttp: false);
            await client.OnboardAsync(slug);
            await _database.ExecuteAsync($"INSERT INTO tenant_{slug}.users (email, name) SELECT 'u' || i || '@x.test', 'u' FROM generate_series(1, 100) i");
            before = await new BackupsClient(client, _database).ChecksumsAsync(slug);

            await using var holder = await HoldAsync($"LOCK TABLE tenant_{slug}.users IN ACCESS EXCLUSIVE MODE");
            using var started = await silo.Http.PostAsync($"/v1/tenants/{slug}/backups", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            backupId = started.Headers.Location!.OriginalString.Split('/')[^1];
            await Eventually.HoldsAsync(
                async () => File.Exists(Path.Combine(_store.Path, slug, backupId + ".sql.partial")) && await LockWaitersAsync() > 0,
                "the backup to be half written, waiting for the locked table");
            await silo.KillAsync();
        }
        finally
        {
            await silo.DisposeAsync();
        }

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
