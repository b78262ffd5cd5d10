using System.Globalization;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains.Backups;

/// <summary>
/// Ticks the backup schedule. The reminder outlives activations and silos and fires wherever the grain lives; each tick
/// only asks every tenant's grain for a backup, so a tick lost to a crash costs one round, and the tenants' grains keep
/// each backup serialized with that tenant's other work. Old scheduled backups beyond the retention count are removed by
/// the tenant's grain after each new one (<see cref="TenantGrain"/>).
/// </summary>
public sealed partial class BackupScheduleGrain(
    ControlPlaneDataSources dataSources, IOptions<BackupOptions> options, ILogger<BackupScheduleGrain> logger) : Grain, IBackupScheduleGrain, IRemindable
{
    private const string ReminderPrefix = "backups-every-";

    public async Task ArmAsync()
    {
        var period = options.Value.Schedule ?? TimeSpan.Zero;
        var wanted = period > TimeSpan.Zero ? ReminderPrefix + period.ToString("c", CultureInfo.InvariantCulture) : null;
        var armed = false;
        foreach (var reminder in await this.GetReminders())
        {
            if (reminder.ReminderName == wanted)
            {
                armed = true;
            }
            else if (reminder.ReminderName.StartsWith(ReminderPrefix, StringComparison.Ordinal))
            {
                // Armed by a deployment with another schedule.
                await this.UnregisterReminder(reminder);
            }
        }

        // The period is in the name because a reminder does not tell it; re-registering a matching one would push its
        // next tick a whole period away on every silo start, so it is left alone.
        if (wanted is not null && !armed)
        {
            await this.RegisterOrUpdateReminder(wanted, period, period);
            LogArmed(logger, period);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName.StartsWith(ReminderPrefix, StringComparison.Ordinal))
        {
            await RunNowAsync();
        }
    }

    public async Task<int> RunNowAsync()
    {
        // Pooled tenants have no schema of their own to back up (docs/tiers.md): their backups are refused.
        var slugs = new List<string>();
        await using (var command = dataSources.Registry.CreateCommand(
            "SELECT slug FROM controlplane.tenants WHERE state = ANY($1) AND tier = 'schema' ORDER BY slug"))
        {
            command.Parameters.Add(new() { Value = Enum.GetValues<TenantStatus>().Where(TenantStateMachine.HoldsData).Select(s => s.ToString()).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                slugs.Add(reader.GetString(0));
            }
        }

        var started = 0;
        foreach (var slug in slugs)
        {
            try
            {
                await GrainFactory.GetGrainByKey<ITenantGrain>(slug).StartBackupAsync(BackupKind.Scheduled);
                started++;
            }
            catch (Exception ex) when (ex is InvalidTenantTransitionException or TenantNotFoundException or TimeoutException or OrleansException)
            {
                // Its state changed since the query, or its silo is busy: the next tick tries again.
                LogSkipped(logger, slug, ex.Message);
            }
        }

        LogTick(logger, started, slugs.Count);
        return started;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup schedule armed: every {Period}")]
    private static partial void LogArmed(ILogger logger, TimeSpan period);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup schedule: started {Started} of {Tenants} tenants' backups")]
    private static partial void LogTick(ILogger logger, int started, int tenants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup schedule: tenant {Slug} skipped this round: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string slug, string reason);
}
