using System.Xml;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains.Tenants;

// Offboarding with a retention period. The durable timer is an Orleans reminder on this grain (orleans.reminders): it
// outlives the activation and the silo, and fires on whichever silo holds the grain when the purge is due. The registry
// row stays the truth: each tick asks it whether the tenant is still Retained and its purge_at reached (by the
// database's clock), so a tick that comes early, late, twice, or after a resume does no harm.
public sealed partial class TenantGrain : IRemindable
{
    private const string PurgeReminder = "purge";

    public async Task<TenantSnapshot> DeleteAsync(long? expectedEtag, TimeSpan? retainFor)
    {
        var period = retainFor ?? settings.DeleteRetention;
        if (period <= TimeSpan.Zero)
        {
            return await DeleteAsync(expectedEtag);
        }

        var slug = RequireSlug();
        var current = await ReadRowAsync(slug) ?? throw new TenantNotFoundException(slug.Value);
        if (TenantStateMachine.IsGone(current.State))
        {
            // Deleted already, or on its way: the delete is answered as an immediate one is (unchanged, idempotent).
            return await DeleteAsync(expectedEtag);
        }

        // A retained tenant keeps a Final backup, and a pooled one has none: refused, rather than retained without it.
        Pooled.PooledOperations.RefuseSchemaOnly(current,
            $"a retention period (retainFor {XmlConvert.ToString(period)}) keeps a Final backup of a tenant's own schema", "delete it at once with ?retainFor=0");
        if (!TenantStateMachine.AlreadyThere(current.State, TenantAction.Retain))
        {
            TenantStateMachine.Ensure(slug.Value, current.State, TenantAction.Retain);

            // Armed before the commit: a reminder whose tenant never became Retained finds so at its first tick and
            // drops itself, while a Retained tenant without a reminder would never be purged.
            await ArmPurgeAsync(period);
        }

        var changed = await ActAsync(TenantAction.Retain, expectedEtag, async (context, locked) =>
        {
            await SetServingAsync(context, serve: false);
            var row = context.Row;
            var retained = row with { State = TenantStateMachine.LeadsTo(TenantAction.Retain), PurgeAt = locked.DbNow + period };
            return new StepOutcome(retained, new TenantEventDraft(
                row.State, retained.State, null,
                $"deleted with a retention period of {XmlConvert.ToString(period)}: the role cannot log in; purge at {retained.PurgeAt:u} unless resumed", 0));
        });
        if (changed)
        {
            await ClosePoolAsync();
            await TerminateRoleSessionsAsync(slug);

            // After the sessions end, so the backup holds the tenant's last committed writes.
            await TakeFinalBackupAsync(slug);
        }

        return (await LoadAsync(slug))!;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PurgeReminder)
        {
            return;
        }

        // A failure here (the registry unreachable, this silo rejoining) throws to Orleans, which ticks again after the period.
        var slug = RequireSlug();
        var row = await ReadRowAsync(slug);
        if (row is { PurgeAt: { } purgeAt } && TenantStateMachine.AwaitsPurge(row.State))
        {
            var dbNow = await DbNowAsync();
            if (dbNow < purgeAt)
            {
                // Early (armed by a silo clock ahead of the database's): tick again at the purge time.
                await this.RegisterOrUpdateReminder(PurgeReminder, purgeAt - dbNow, settings.TenantModel.PurgeCheckPeriod);
                LogPurgeNotDue(logger, slug.Value, purgeAt);
                return;
            }

            // The backups go first, while the tenant is still Retained: a crash part-way leaves the reminder armed and
            // its next tick finishes the job, so a Deleted tenant never keeps a backup behind.
            await DeleteBackupsOnPurgeAsync(slug);
            var purged = await ActAsync(TenantAction.Delete, expectedEtag: null, async (context, locked) =>
                TenantStateMachine.AwaitsPurge(context.Row.State) && locked.DbNow >= context.Row.PurgeAt
                    ? await StartDeletingAsync(context, locked, $"retention period ended (purge at {context.Row.PurgeAt:u}): purging")
                    : null);
            if (purged)
            {
                await ClosePoolAsync();
                Wake();
                LogPurged(logger, slug.Value);
            }
        }

        // Purged now, or no longer Retained (resumed, deleted at once): this reminder has nothing more to do.
        await DisarmPurgeAsync();
    }

    private async Task ArmPurgeAsync(TimeSpan period)
    {
        var slug = RequireSlug();
        await this.RegisterOrUpdateReminder(PurgeReminder, period, settings.TenantModel.PurgeCheckPeriod);
        LogPurgeArmed(logger, slug.Value, period);
    }

    /// <summary>Drops the purge reminder. Best effort: one left behind finds no Retained tenant at its next tick and drops itself then.</summary>
    private async Task DisarmPurgeAsync()
    {
        try
        {
            if (await this.GetReminder(PurgeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is ReminderException or OrleansException or TimeoutException)
        {
            var slug = RequireSlug();
            LogPurgeDisarmFailed(logger, slug.Value, ex);
        }
    }

    /// <summary>
    /// The Final backup, taken in this turn (the delete answers once it is recorded). A failure is recorded on the
    /// backup and the timeline; the tenant stays Retained with its schema intact, so nothing is lost until the purge.
    /// </summary>
    private async Task TakeFinalBackupAsync(TenantSlug slug)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        var backup = await BackupRows.InsertRunningAsync(dataSources.Registry, slug.Value, BackupKind.Final, silo.SiloId, cancellationToken);
        var stored = await BackupRows.GetAsync(dataSources.Registry, slug.Value, backup.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Backup {backup.Id} of tenant '{slug}' vanished right after it was recorded.");
        await TakeBackupAsync(stored, slug.SchemaName, migrations: null);
    }

    /// <summary>
    /// The purge's backup policy: every backup of the tenant (the Final one included) is deleted with its data, since a
    /// purge means the data is gone; the timeline records each deletion and the registry row stays.
    /// </summary>
    private async Task DeleteBackupsOnPurgeAsync(TenantSlug slug)
    {
        foreach (var old in await BackupRows.ListAsync(dataSources.Registry, slug.Value, lifetime.ApplicationStopping))
        {
            var missing = false;
            try
            {
                Backups.Store.Delete(old.FileName);
            }
            catch (DirectoryNotFoundException)
            {
                // The store was moved or emptied by hand: nothing of this backup is left to delete, and the purge goes on.
                missing = true;
            }

            await BackupRows.DeleteAsync(dataSources.Registry, old.Backup.Id, lifetime.ApplicationStopping);
            await RecordOnTimelineAsync($"backup {old.Backup.Id} ({old.Backup.Kind}) deleted: the tenant was purged{(missing ? " (its file was already missing from the store)" : string.Empty)}");
        }
    }

    private async Task<DateTimeOffset> DbNowAsync()
    {
        await using var command = dataSources.Registry.CreateCommand("SELECT clock_timestamp()");
        await using var reader = await command.ExecuteReaderAsync(lifetime.ApplicationStopping);
        await reader.ReadAsync(lifetime.ApplicationStopping);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: purge reminder armed for {Period} from now")]
    private static partial void LogPurgeArmed(ILogger logger, string slug, TimeSpan period);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: purge reminder ticked before the purge time {PurgeAt}; armed again for then")]
    private static partial void LogPurgeNotDue(ILogger logger, string slug, DateTimeOffset purgeAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: retention period ended; deprovisioning")]
    private static partial void LogPurged(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: could not drop the purge reminder; its next tick drops it")]
    private static partial void LogPurgeDisarmFailed(ILogger logger, string slug, Exception exception);
}
