namespace ControlPlane.Grains.Rollouts;

/// <summary>Scheduled rollouts (configuration section <c>ControlPlane:Rollouts</c>).</summary>
public sealed class RolloutOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ControlPlane:Rollouts";

    /// <summary>
    /// The period of a scheduled rollout's reminder: its first tick comes at <c>notBefore</c>, and this is how soon
    /// it ticks again when that one was missed (no silo was running) or came early by the database's clock. Orleans
    /// refuses a period under <c>Orleans:ReminderService:MinimumReminderPeriod</c> (one minute unless lowered).
    /// </summary>
    public TimeSpan ScheduleCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
