namespace ControlPlane.Grains.Rollouts;

// Maintenance windows: the drive dispatches only while one is open. When they are all closed it records
// WaitingForWindow and arms the start reminder for the next opening, whose tick sets it Running again (Schedule.cs).
public sealed partial class RolloutGrain
{
    /// <summary>When the drive must stop dispatching: the end of the open stretch of windows, never without any, null when closed now.</summary>
    private DateTimeOffset? WindowClosing(RolloutRecord rollout) =>
        rollout.Windows is { } windows ? windows.CurrentClosing(time.GetUtcNow()) : DateTimeOffset.MaxValue;

    /// <summary>
    /// Arms the reminder for the next opening, then records WaitingForWindow under the coordinator's lease. Arming
    /// first: a crash in between leaves a Running rollout (the sweeper resumes it, and its drive comes back here) and
    /// a reminder whose tick finds it not waiting and drops itself, never a waiting rollout that nothing will wake.
    /// </summary>
    private async Task WaitForWindowAsync(long token, RolloutRecord rollout, CancellationToken stopping)
    {
        var next = rollout.Windows!.NextOpening(time.GetUtcNow());
        await ScheduleAsync(next);
        if (await RolloutRows.UpdateAsCoordinatorAsync(dataSources.Registry, Id, silo.SiloId, token, "state = 'WaitingForWindow'", stopping))
        {
            LogWaitingForWindow(logger, Id, next);
        }
    }
}
