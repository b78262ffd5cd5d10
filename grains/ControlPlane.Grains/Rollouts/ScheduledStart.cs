namespace ControlPlane.Grains.Rollouts;

/// <summary>What a scheduled rollout's reminder tick found (<see cref="RolloutRows.StartIfDueAsync"/>).</summary>
public enum ScheduledStart
{
    /// <summary>Its time had come: it is Running now, and its drive should start.</summary>
    Started,

    /// <summary>Still Scheduled, its time not yet come by the database's clock: keep the reminder.</summary>
    NotDue,

    /// <summary>No scheduled or waiting rollout has this id (cancelled, paused, started already, or never recorded): drop the reminder.</summary>
    Gone,

    /// <summary>Due, but outside its maintenance windows: WaitingForWindow now (or still); re-arm the reminder for the next opening.</summary>
    WaitingForWindow,
}
