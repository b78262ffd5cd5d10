using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// Where a rollout stands. Scheduled, WaitingForWindow, Running, Paused and Halted are open: only one open rollout exists at a time.
/// Scheduled and WaitingForWindow are last so that the others keep their numbers on the wire (Orleans sends an enum's value), as silos of the
/// previous build read them during a rolling upgrade.
/// </summary>
[GenerateSerializer, Alias("cp.RolloutState")]
public enum RolloutState
{
    /// <summary>Migrating tenants wave by wave.</summary>
    Running,

    /// <summary>Stopped by an operator; tenants already dispatched finish, no new ones start until resumed.</summary>
    Paused,

    /// <summary>A wave crossed the failure threshold; the reason is kept. Retry the failed tenants, resume, or cancel.</summary>
    Halted,

    /// <summary>Every wave finished under the threshold.</summary>
    Completed,

    /// <summary>Stopped for good by an operator; tenants not yet migrated keep their version.</summary>
    Cancelled,

    /// <summary>Waiting for its <c>notBefore</c>; its grain's reminder starts it (Running) then. Only cancel applies meanwhile.</summary>
    Scheduled,

    /// <summary>
    /// Outside its maintenance windows: tenants already dispatched finish, no new ones start; its grain's reminder
    /// sets it Running again at the next opening. Cancel and pause apply meanwhile.
    /// </summary>
    WaitingForWindow,
}
