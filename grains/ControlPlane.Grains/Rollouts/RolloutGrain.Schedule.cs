using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains.Rollouts;

// A rollout that starts later, or waits for its next maintenance window. Its durable timer is an Orleans reminder on
// this grain, kept in orleans.reminders: it outlives the activation and the silo, and fires on whichever silo holds the
// grain when it is due. The registry row stays the truth: each tick asks it whether the rollout is still Scheduled and
// due (by the database's clock), or waiting and a window open (by this silo's).
public sealed partial class RolloutGrain : IRemindable
{
    private const string StartReminder = "start";

    public async Task ScheduleAsync(DateTimeOffset notBefore)
    {
        // The first tick at notBefore (or the window's opening); then every check period, in case that one was missed or came early.
        var due = notBefore - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(StartReminder, due > TimeSpan.Zero ? due : TimeSpan.Zero, options.Value.ScheduleCheckPeriod);
        LogArmed(logger, Id, notBefore);
    }

    public async Task UnscheduleAsync()
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(lifetime.ApplicationStopping);
        var rollout = await RolloutRows.GetAsync(connection, null, Id, forUpdate: false, lifetime.ApplicationStopping);
        if (rollout?.State is not (RolloutState.Scheduled or RolloutState.WaitingForWindow))
        {
            await DisarmAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != StartReminder)
        {
            return;
        }

        // A failure here (the registry unreachable) throws to Orleans, which ticks again after the period.
        var now = time.GetUtcNow();
        var (outcome, rollout) = await RolloutRows.StartIfDueAsync(dataSources.Registry, Id, now, lifetime.ApplicationStopping);
        switch (outcome)
        {
            case ScheduledStart.Started:
                LogStartedOnSchedule(logger, Id);
                KickDrive();
                await DisarmAsync();
                break;
            case ScheduledStart.Gone:
                await DisarmAsync();
                break;
            case ScheduledStart.NotDue:
                LogNotDueYet(logger, Id, status.CurrentTickTime);
                break;
            case ScheduledStart.WaitingForWindow:
                // Due at the next opening rather than every period until then: the window may be days away.
                var next = rollout!.Windows!.NextOpening(now);
                await ScheduleAsync(next);
                LogWaitingForWindow(logger, Id, next);
                break;
        }
    }

    /// <summary>Drops the start reminder. Best effort: one left behind finds no scheduled rollout at its next tick and drops itself then.</summary>
    private async Task DisarmAsync()
    {
        try
        {
            if (await this.GetReminder(StartReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
                LogDisarmed(logger, Id);
            }
        }
        catch (Exception ex) when (ex is ReminderException or OrleansException or TimeoutException)
        {
            LogDisarmFailed(logger, Id, ex);
        }
    }

    private RolloutConflictException NotStarted(string verb, RolloutRecord rollout) => new(
        $"Rollout {Id} is Scheduled to start at {Iso(rollout.NotBefore)}; it has not started, so it cannot {verb}. " +
        "Cancel it, and start another, to change its plan or its time.");

    private static string Iso(DateTimeOffset? at) =>
        at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "(unknown)";
}
