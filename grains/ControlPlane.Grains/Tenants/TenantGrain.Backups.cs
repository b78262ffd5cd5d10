using System.Diagnostics;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace ControlPlane.Grains.Tenants;

// Backups: each runs as one of the grain's own turns, so it never overlaps a provisioning step, a migration or a restore.
public sealed partial class TenantGrain
{
    private TenantBackups? _backups;

    private TenantBackups Backups => _backups ??= ServiceProvider.GetRequiredService<TenantBackups>();

    public Task<TenantBackup> StartBackupAsync() => StartBackupAsync(BackupKind.Manual);

    public async Task<IReadOnlyList<TenantBackup>> ListBackupsAsync()
    {
        var slug = RequireSlug();
        _ = await ReadRowAsync(slug) ?? throw new TenantNotFoundException(slug.Value);
        return [.. (await BackupRows.ListAsync(dataSources.Registry, slug.Value, lifetime.ApplicationStopping)).Select(b => b.Backup)];
    }

    public async Task<TenantBackup> GetBackupAsync(string backupId) => (await RequireBackupAsync(backupId)).Backup;

    public async Task<BackupFile> GetBackupFileAsync(string backupId)
    {
        var stored = await RequireBackupAsync(backupId);
        if (stored.Backup.State != BackupState.Completed || !Backups.Store.Exists(stored.FileName))
        {
            throw new BackupRefusedException(backupId, "state", $"Backup '{backupId}' is {stored.Backup.State}{(stored.Backup.State == BackupState.Completed ? " but its file is missing from the store" : string.Empty)}; it has no content to download.");
        }

        return new BackupFile(stored.FileName, stored.Backup.Sha256!, stored.Backup.SizeBytes ?? 0);
    }

    public async Task DeleteBackupAsync(string backupId)
    {
        var stored = await RequireBackupAsync(backupId);
        Backups.Store.Delete(stored.FileName);
        await BackupRows.DeleteAsync(dataSources.Registry, backupId, lifetime.ApplicationStopping);
        await RecordOnTimelineAsync($"backup {backupId} ({stored.Backup.Kind}) deleted");
    }

    /// <summary>The backup's own turn (one-way, so no response timeout cuts a long one).</summary>
    public async Task RunBackupAsync(string backupId)
    {
        var slug = RequireSlug();
        var stored = await BackupRows.GetAsync(dataSources.Registry, slug.Value, backupId, lifetime.ApplicationStopping);
        if (stored is { Backup.State: BackupState.Running })
        {
            await TakeBackupAsync(stored, slug.SchemaName, migrations: null);
        }
    }

    public async Task<TenantBackup> StartBackupAsync(BackupKind kind)
    {
        var slug = RequireSlug();
        var row = await ReadRowAsync(slug) ?? throw new TenantNotFoundException(slug.Value);
        Pooled.PooledOperations.RefuseSchemaOnly(row, "a backup is taken of a tenant's own schema");
        if (!TenantStateMachine.HoldsData(row.State))
        {
            throw new InvalidTenantTransitionException(slug.Value, row.State, "take a backup (only an Active or Suspended tenant has complete data)");
        }

        var backup = await BackupRows.InsertRunningAsync(dataSources.Registry, slug.Value, kind, silo.SiloId, lifetime.ApplicationStopping);
        _ = this.AsReference<ITenantDrive>().RunBackupAsync(backup.Id);
        return backup;
    }

    /// <summary>
    /// Writes the backup of <paramref name="schema"/> to a temporary file, moves it into place and records its size and
    /// SHA-256. Any failure removes the file and records the backup Failed; a crash leaves it Running for recovery.
    /// </summary>
    private async Task<bool> TakeBackupAsync(StoredBackup stored, string schema, IReadOnlyList<BackupMigration>? migrations)
    {
        var slug = RequireSlug();
        var id = stored.Backup.Id;
        var cancellationToken = lifetime.ApplicationStopping;
        using var span = ProvisioningTelemetry.Source.StartActivity("tenant.backup");
        span?.SetTag(TelemetryTags.TenantId, slug.Value).SetTag(TelemetryTags.TenantSchema, slug.SchemaName).SetTag("backup.id", id).SetTag("backup.kind", stored.Backup.Kind.ToString());
        var watch = Stopwatch.StartNew();
        try
        {
            BackupContent content;
            await using (var file = Backups.Store.CreatePartial(stored.FileName))
            {
                content = await Backups.Writer.WriteAsync(id, slug.Value, schema, slug.SchemaName, migrations, file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            if (Backups.Hooks.BeforeBackupCompletes is { } hold)
            {
                await hold(id);
            }

            var (size, sha256) = await Backups.Store.CompleteAsync(stored.FileName, cancellationToken);
            // A scheduled backup completes and prunes those beyond the retention count in one statement.
            var keep = stored.Backup.Kind == BackupKind.Scheduled && Backups.Options.RetainCount > 0 ? Backups.Options.RetainCount : (int?)null;
            var (_, pruned) = await BackupRows.CompleteAsync(dataSources.Registry, id, content, size, sha256, cancellationToken, keep);
            span?.SetTag(TelemetryTags.MigrationVersion, content.MigrationVersion).SetTag("backup.size", size);
            LogBackupTaken(logger, slug.Value, id, size, watch.Elapsed.TotalMilliseconds);
            await RecordOnTimelineAsync(
                $"backup {id} ({stored.Backup.Kind}) taken at version {content.MigrationVersion}: {content.TableRows.Values.Sum()} rows in {content.TableRows.Count} tables, {size} bytes, sha256 {sha256}");
            foreach (var (oldId, oldFile) in pruned)
            {
                Backups.Store.Delete(string.IsNullOrEmpty(oldFile) ? BackupStore.FileNameOf(slug.Value, oldId) : oldFile);
                await RecordOnTimelineAsync($"scheduled backup {oldId} deleted: beyond the retention count ({keep})");
            }

            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ProvisioningTelemetry.Failed(span, ex);
            Backups.Store.Delete(stored.FileName);
            await BackupRows.FailAsync(dataSources.Registry, id, ex.Message, CancellationToken.None);
            LogBackupFailed(logger, slug.Value, id, ex);
            await RecordOnTimelineAsync($"backup {id} ({stored.Backup.Kind}) failed: {ex.Message}");
            return false;
        }
    }

    private async Task<StoredBackup> RequireBackupAsync(string backupId)
    {
        var slug = RequireSlug();
        return await BackupRows.GetAsync(dataSources.Registry, slug.Value, backupId, lifetime.ApplicationStopping)
            ?? (await ReadRowAsync(slug) is null ? throw new TenantNotFoundException(slug.Value) : throw new BackupNotFoundException(slug.Value, backupId));
    }

    /// <summary>Adds a timeline entry that changes no state (the row lock orders it with the tenant's other entries).</summary>
    private async Task RecordOnTimelineAsync(string detail)
    {
        var slug = RequireSlug();
        await using var connection = await dataSources.Registry.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        var locked = await TenantLock.AcquireAsync(connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, CancellationToken.None);
        if (locked is null || !locked.SelfAlive)
        {
            return;
        }

        await TenantRows.SaveAsync(connection, transaction, locked.Row, silo.SiloId, CancellationToken.None, new TenantEventDraft(locked.Row.State, locked.Row.State, null, detail, 0));
        await transaction.CommitAsync(CancellationToken.None);
    }
}
