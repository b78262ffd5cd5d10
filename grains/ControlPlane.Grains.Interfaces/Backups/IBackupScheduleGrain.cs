using Orleans;

namespace ControlPlane.Grains.Backups;

/// <summary>
/// The deployment's backup schedule (one grain, key 0): an Orleans reminder every <c>ControlPlane:Backups:Schedule</c>
/// that starts a scheduled backup of every tenant holding data. The reminder is durable (Reminders.AdoNet), so the
/// schedule survives restarts; each silo arms it when it becomes active, which changes nothing when it is armed already.
/// </summary>
[Alias("cp.IBackupScheduleGrain")]
public interface IBackupScheduleGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the reminder with the configured period, or removes it when no schedule is configured.</summary>
    Task ArmAsync();

    /// <summary>Starts a scheduled backup of every Active or Suspended tenant now; returns how many were started.</summary>
    Task<int> RunNowAsync();
}
