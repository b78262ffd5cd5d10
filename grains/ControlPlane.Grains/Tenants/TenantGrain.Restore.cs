using System.Diagnostics;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Tenants;

// Restore: load the backup beside the live schema, verify it, swap the two in one transaction, then keep the replaced
// data as a backup of its own. Recorded in controlplane.tenant_restores so a silo that dies anywhere leaves the tenant
// either as it was (before the swap) or restored (after it), and the next activation finishes or undoes the rest.
public sealed partial class TenantGrain : IIncomingGrainCallFilter
{
    // The recovery of what a dead silo left mid-way, started by the activation's first call (Invoke).
    private Task? _recovery;

    public async Task<TenantRestore> RestoreAsync(string backupId)
    {
        var slug = RequireSlug();
        var cancellationToken = lifetime.ApplicationStopping;
        var row = await ReadRowAsync(slug) ?? throw new TenantNotFoundException(slug.Value);
        Pooled.PooledOperations.RefuseSchemaOnly(row, "a restore swaps a backup in for a tenant's own schema");
        if (!TenantStateMachine.HoldsData(row.State))
        {
            throw new InvalidTenantTransitionException(slug.Value, row.State, "restore a backup (only an Active or Suspended tenant can be restored)");
        }

        var stored = await RequireBackupAsync(backupId);
        await CheckRestorableAsync(stored, cancellationToken);

        using var span = ProvisioningTelemetry.Source.StartActivity("tenant.restore");
        span?.SetTag(TelemetryTags.TenantId, slug.Value).SetTag(TelemetryTags.TenantSchema, slug.SchemaName).SetTag("backup.id", backupId)
            .SetTag(TelemetryTags.MigrationVersion, stored.Backup.MigrationVersion);
        var watch = Stopwatch.StartNew();
        var replacedMigrations = await CurrentMigrationsAsync(slug, cancellationToken);
        var restoreId = await RestoreRows.InsertAsync(dataSources.Registry, slug.Value, backupId, replacedMigrations, cancellationToken);
        var staging = RestoreRows.StagingSchemaOf(restoreId);
        IReadOnlyDictionary<string, long> loaded;
        try
        {
            await using (var file = Backups.Store.OpenRead(stored.FileName))
            {
                loaded = await Backups.Loader.LoadAsync(file, staging, slug.RoleName, cancellationToken);
            }

            Verify(stored, loaded);
            if (Backups.Hooks.BeforeSwap is { } hold)
            {
                await hold(restoreId);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ProvisioningTelemetry.Failed(span, ex);
            await AbandonRestoreAsync(restoreId, staging, $"the restore of backup {backupId} failed before the swap, the tenant's data is unchanged: {ex.Message}");
            throw ex is BackupRefusedException or InvalidTenantTransitionException
                ? ex
                : new BackupRefusedException(backupId, "load", $"Backup '{backupId}' could not be loaded into a new schema, so nothing was swapped and the tenant's data is unchanged: {ex.Message}");
        }

        var replacedBackupId = await SwapAsync(slug, stored, restoreId, staging, loaded, cancellationToken);
        await ClosePoolAsync();
        await TerminateRoleSessionsAsync(slug);
        await KeepReplacedAsync(restoreId, RestoreRows.ReplacedSchemaOf(restoreId), replacedBackupId, replacedMigrations);
        LogRestored(logger, slug.Value, backupId, watch.Elapsed.TotalMilliseconds);
        return new TenantRestore
        {
            Id = restoreId,
            BackupId = backupId,
            MigrationVersion = stored.Backup.MigrationVersion ?? 0,
            ReplacedBackupId = replacedBackupId,
            TableRows = loaded,
        };
    }

    /// <summary>Refuses (409) a backup that is not complete, is from a version the catalogue does not have, or whose file changed.</summary>
    private async Task CheckRestorableAsync(StoredBackup stored, CancellationToken cancellationToken)
    {
        var backup = stored.Backup;
        if (backup.State != BackupState.Completed)
        {
            throw new BackupRefusedException(backup.Id, "state", $"Backup '{backup.Id}' is {backup.State}, not Completed; only a complete backup can be restored.");
        }

        var latest = catalog.Current().LatestVersion;
        if (backup.MigrationVersion > latest)
        {
            throw new BackupRefusedException(backup.Id, "version",
                $"Backup '{backup.Id}' is at migration version {backup.MigrationVersion}, newer than the catalogue's newest ({latest}); this control plane cannot bring it forward or manage it, so it is not restored.");
        }

        if (!Backups.Store.Exists(stored.FileName))
        {
            throw new BackupRefusedException(backup.Id, "missing", $"Backup '{backup.Id}''s file {stored.FileName} is missing from the store {Backups.Store.Root}.");
        }

        var actual = await Backups.Store.HashAsync(stored.FileName, cancellationToken);
        if (actual != backup.Sha256)
        {
            throw new BackupRefusedException(backup.Id, "checksum",
                $"Backup '{backup.Id}''s file does not match its recorded checksum (SHA-256 recorded {backup.Sha256}, file now {actual}); it was changed or damaged after it was taken, so it is not restored.");
        }
    }

    private static void Verify(StoredBackup stored, IReadOnlyDictionary<string, long> loaded)
    {
        var expected = stored.Backup.TableRows;
        var differences = expected.Keys.Union(loaded.Keys)
            .Where(t => !expected.TryGetValue(t, out var e) || !loaded.TryGetValue(t, out var l) || e != l)
            .Select(t => $"{t}: backup {(expected.TryGetValue(t, out var e) ? e : "no table")}, restored {(loaded.TryGetValue(t, out var l) ? l : "no table")}")
            .ToList();
        if (differences.Count > 0)
        {
            throw new BackupRefusedException(stored.Backup.Id, "verify", $"The restored schema does not match backup '{stored.Backup.Id}' ({string.Join("; ", differences)}); nothing was swapped.");
        }
    }

    /// <summary>
    /// One transaction under the tenant's row lock: the live schema becomes the replaced one, the staging schema becomes
    /// the live one (the role's search_path names the schema, so it follows; the grants came with the staging schema),
    /// the tenant's migration records become the backup's, and the replaced data's backup is recorded Running.
    /// </summary>
    private async Task<string> SwapAsync(
        TenantSlug slug, StoredBackup stored, string restoreId, string staging, IReadOnlyDictionary<string, long> loaded, CancellationToken cancellationToken)
    {
        var live = PgIdentifier.Quote(slug.SchemaName);
        var replaced = RestoreRows.ReplacedSchemaOf(restoreId);
        var version = stored.Backup.MigrationVersion ?? 0;
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await LockForOperatorAsync(connection, transaction, slug, null, cancellationToken);
        if (!TenantStateMachine.HoldsData(locked.Row.State))
        {
            throw new InvalidTenantTransitionException(slug.Value, locked.Row.State, "restore a backup");
        }

        await using (var ddl = new NpgsqlCommand(
            $"""
            ALTER SCHEMA {live} RENAME TO {PgIdentifier.Quote(replaced)};
            ALTER SCHEMA {PgIdentifier.Quote(staging)} RENAME TO {live};
            REVOKE ALL ON SCHEMA {PgIdentifier.Quote(replaced)} FROM {PgIdentifier.Quote(slug.RoleName)};
            """, connection, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var records = new NpgsqlBatch(connection, transaction))
        {
            var delete = new NpgsqlBatchCommand("DELETE FROM controlplane.tenant_migrations WHERE slug = $1");
            delete.Parameters.Add(new() { Value = slug.Value });
            var insert = new NpgsqlBatchCommand(
                """
                INSERT INTO controlplane.tenant_migrations (slug, version, name, checksum, duration_ms)
                SELECT $1, m.version, m.name, m.checksum, 0 FROM unnest($2::int[], $3::text[], $4::text[]) AS m (version, name, checksum)
                """);
            insert.Parameters.Add(new() { Value = slug.Value });
            insert.Parameters.Add(new() { Value = stored.Migrations.Select(m => m.Version).ToArray() });
            insert.Parameters.Add(new() { Value = stored.Migrations.Select(m => m.Name).ToArray() });
            insert.Parameters.Add(new() { Value = stored.Migrations.Select(m => m.Checksum).ToArray() });
            records.BatchCommands.Add(delete);
            records.BatchCommands.Add(insert);
            await records.ExecuteNonQueryAsync(cancellationToken);
        }

        var replacedBackup = await BackupRows.InsertRunningAsync(connection, transaction, slug.Value, BackupKind.Replaced, silo.SiloId, cancellationToken);
        await using (var phase = RestoreRows.Swapped(connection, transaction, restoreId, replacedBackup.Id))
        {
            await phase.ExecuteNonQueryAsync(cancellationToken);
        }

        var restored = locked.Row with { MigrationVersion = version };
        await TenantRows.SaveAsync(connection, transaction, restored, silo.SiloId, cancellationToken, new TenantEventDraft(
            locked.Row.State, restored.State, null,
            $"restored from backup {stored.Backup.Id} (taken {stored.Backup.TakenAt:u}, version {version}, {loaded.Values.Sum()} rows in {loaded.Count} tables verified); the replaced data (version {locked.Row.MigrationVersion}) is kept as backup {replacedBackup.Id}",
            0));
        await transaction.CommitAsync(cancellationToken);
        _serving?.Invalidate();
        return replacedBackup.Id;
    }

    /// <summary>After the swap: back up the replaced schema, then drop it. Re-run by recovery until it succeeds.</summary>
    private async Task KeepReplacedAsync(string restoreId, string replacedSchema, string replacedBackupId, IReadOnlyList<BackupMigration> replacedMigrations)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        var slug = RequireSlug();
        if (await SchemaExistsAsync(replacedSchema, cancellationToken))
        {
            var stored = await BackupRows.GetAsync(dataSources.Registry, slug.Value, replacedBackupId, cancellationToken);
            if (stored is null)
            {
                return;
            }

            if (stored.Backup.State != BackupState.Completed)
            {
                await BackupRows.RestartAsync(dataSources.Registry, replacedBackupId, cancellationToken);
                if (!await TakeBackupAsync(stored, replacedSchema, replacedMigrations))
                {
                    // The replaced schema stays until its backup succeeds (the next activation tries again).
                    return;
                }
            }

            await ExecuteRegistryAsync($"DROP SCHEMA {PgIdentifier.Quote(replacedSchema)} CASCADE", cancellationToken);
        }

        await RestoreRows.EndAsync(dataSources.Registry, restoreId, completed: true, null, cancellationToken);
    }

    private async Task AbandonRestoreAsync(string restoreId, string staging, string reason)
    {
        await ExecuteRegistryAsync($"DROP SCHEMA IF EXISTS {PgIdentifier.Quote(staging)} CASCADE", CancellationToken.None);
        await RestoreRows.EndAsync(dataSources.Registry, restoreId, completed: false, reason, CancellationToken.None);
        await RecordOnTimelineAsync(reason);
    }

    /// <summary>
    /// Every call to this activation comes through here: before the first, what a dead silo left mid-way is recovered
    /// (once; calls that interleave with it wait for the same recovery). A POST is the exception: when it registers the
    /// tenant there is nothing to recover (backups and restores reference the row it creates), so neither the onboarding
    /// nor the activation's later calls pay the query; when the slug existed, the recovery runs before the next call, which is the drive the POST
    /// wakes or the operator's next request, and the POST itself only reads. A drive or a rollout's migration asks the
    /// question in its first row lock's round trip instead of one of its own (<see cref="RecoveryCheckedInLock"/>): every
    /// tenant of a rollout activates its grain, so that is one round trip fewer per tenant.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (_recovery is null && _slug is { } slug && context.ImplementationMethod.Name != nameof(ProvisionAsync))
        {
            if (context.ImplementationMethod.Name is nameof(DriveAsync) or nameof(MigrateToAsync))
            {
                await DriveCheckingRecoveryInLockAsync(context, slug);
                return;
            }

            _recovery = RecoverOnActivationAsync(slug);
        }

        if (_recovery is { } recovery)
        {
            await recovery;
        }

        await context.Invoke();
    }

    // Pending while the first drive's row lock has not answered whether anything was left mid-way; calls that
    // interleave meanwhile wait for it, as for the recovery itself.
    private TaskCompletionSource? _recoveryCheck;

    private async Task DriveCheckingRecoveryInLockAsync(IIncomingGrainCallContext context, TenantSlug slug)
    {
        var check = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _recoveryCheck = check;
        _recovery = check.Task;
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (ReferenceEquals(_recoveryCheck, check))
            {
                // The drive ended before any row lock (no work connection, shutting down): no unit ran, so recover now.
                _recoveryCheck = null;
                _recovery = RecoverOnActivationAsync(slug);
                await _recovery;
            }

            check.TrySetResult();
        }
    }

    /// <summary>
    /// The drive's answer to <see cref="Invoke"/>'s question, read with its row lock (<paramref name="locked"/>, null when the
    /// tenant does not exist). True when the unit must not run yet: the transaction was rolled back, what was left mid-way
    /// is recovered, and the caller takes the lock again.
    /// </summary>
    private async Task<bool> RecoveryCheckedInLock(LockedTenant? locked, TenantSlug slug, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (_recoveryCheck is not { } check)
        {
            return false;
        }

        _recoveryCheck = null;
        if (locked is { LeftMidway: true })
        {
            // Its writes to the timeline need the row this transaction holds: release it first.
            await transaction.RollbackAsync(cancellationToken);
            await RecoverOnActivationAsync(slug);
            check.TrySetResult();
            return true;
        }

        check.TrySetResult();
        return false;
    }

    /// <summary>
    /// Run before the activation's first call: a restore a dead silo left before its swap is undone (its staging schema
    /// dropped), one left after it is finished, and backups left Running are recorded Failed with their temporary files
    /// removed.
    /// </summary>
    private async Task RecoverOnActivationAsync(TenantSlug slug)
    {
        try
        {
            await RecoverBackupsAsync(slug);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // Activation goes on: the tenant still answers, and what was left mid-way is looked at again next time.
            LogRecoveryFailed(logger, slug.Value, ex);
        }
    }

    private async Task RecoverBackupsAsync(TenantSlug slug)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        if (!await BackupRows.AnyLeftMidwayAsync(dataSources.Registry, slug.Value, cancellationToken))
        {
            // Every new tenant's grain activates: nothing to recover is the common case, one query.
            return;
        }

        foreach (var restore in await RestoreRows.UnfinishedAsync(dataSources.Registry, slug.Value, cancellationToken))
        {
            if (restore.Swapped && restore.ReplacedBackupId is { } replacedBackupId)
            {
                await KeepReplacedAsync(restore.Id, restore.ReplacedSchema, replacedBackupId, restore.ReplacedMigrations);
            }
            else
            {
                await AbandonRestoreAsync(restore.Id, restore.StagingSchema,
                    $"the restore of backup {restore.BackupId} was interrupted before the swap (the silo stopped); its staging schema was dropped and the tenant's data is unchanged");
            }
        }

        foreach (var running in await BackupRows.ListAsync(dataSources.Registry, slug.Value, cancellationToken, BackupState.Running))
        {
            Backups.Store.Delete(running.FileName);
            await BackupRows.FailAsync(dataSources.Registry, running.Backup.Id, "interrupted: the silo stopped while writing it; take a new backup", cancellationToken);
            await RecordOnTimelineAsync($"backup {running.Backup.Id} ({running.Backup.Kind}) was interrupted by a silo stop and recorded Failed");
        }
    }

    private async Task<IReadOnlyList<BackupMigration>> CurrentMigrationsAsync(TenantSlug slug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        var applied = await AppliedMigrations.ReadAsync(connection, null, slug.Value, cancellationToken);
        return [.. applied.OrderBy(a => a.Version).Select(a => new BackupMigration(a.Version, a.Name, a.Checksum))];
    }

    private async Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)");
        command.Parameters.Add(new() { Value = schema, NpgsqlDbType = NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task ExecuteRegistryAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
