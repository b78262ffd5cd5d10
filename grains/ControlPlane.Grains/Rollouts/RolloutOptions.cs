namespace ControlPlane.Grains.Rollouts;

/// <summary>Scheduled rollouts and migration groups (configuration section <c>ControlPlane:Rollouts</c>).</summary>
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

    /// <summary>
    /// How many tenants' migrations one work connection may commit in one transaction (a migration group,
    /// Tenants/Groups): tenants of a rollout waiting for a work connection share its row lock round trip, its save round
    /// trip and its commit. A rollout's <c>maxParallel</c> may reach twice <c>WorkConnections</c> times this, so that a
    /// full group is waiting whenever a connection's group commits. 1 turns groups off: every tenant's migration is its own transaction.
    /// </summary>
    public int GroupSize { get; set; } = 8;

    /// <summary>
    /// The longest a migration group may keep its members' tables locked waiting: each member's DDL gives up on a lock
    /// after this (the group is rolled back and its tenants run alone, under the rollout's own lock timeout), and a
    /// group whose commit round trip took longer makes the next groups as large as would have fitted
    /// (<see cref="Tenants.Groups.MigrationGroupSizing"/>).
    /// </summary>
    public TimeSpan GroupHoldLimit { get; set; } = TimeSpan.FromMilliseconds(50);
}
