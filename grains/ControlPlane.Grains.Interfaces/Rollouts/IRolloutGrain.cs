using ControlPlane.Grains.Telemetry;
using Orleans;
using Orleans.Concurrency;

namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// The coordinator of one rollout (keyed by rollout id): fans a migration out to tenant grains wave by wave, within
/// the failure threshold, with its progress persisted so that any silo can resume it after a crash.
/// </summary>
[GrainKeyTag(TelemetryTags.RolloutId)]
[Alias("cp.IRolloutGrain")]
public interface IRolloutGrain : IGrainWithStringKey
{
    /// <summary>The rollout's state, counts, rate and failures; null when no rollout has this id.</summary>
    [AlwaysInterleave]
    Task<RolloutSnapshot?> GetAsync();

    /// <summary>Runs the rollout until it finishes, pauses, halts or is cancelled (resumable at any point).</summary>
    /// <remarks>Returns at once: the drive runs as the grain's own turn, at most one queued at a time.</remarks>
    [AlwaysInterleave, OneWay]
    Task WakeAsync();

    /// <summary>Stops dispatching new tenants; those already dispatched finish.</summary>
    [AlwaysInterleave]
    Task<RolloutSnapshot> PauseAsync();

    /// <summary>Continues a paused or halted rollout.</summary>
    [AlwaysInterleave]
    Task<RolloutSnapshot> ResumeAsync();

    /// <summary>Stops the rollout for good.</summary>
    [AlwaysInterleave]
    Task<RolloutSnapshot> CancelAsync();

    /// <summary>Puts the failed tenants back to pending and continues.</summary>
    [AlwaysInterleave]
    Task<RolloutSnapshot> RetryFailedAsync();

    /// <summary>
    /// Arms the durable timer that starts this rollout at <paramref name="notBefore"/>: an Orleans reminder, kept in
    /// the registry's database, that fires on whichever silo holds the grain then. Called before the rollout is
    /// recorded as Scheduled, so a crash between the two leaves a reminder that finds nothing and drops itself, never
    /// a scheduled rollout that nothing will start.
    /// </summary>
    Task ScheduleAsync(DateTimeOffset notBefore);

    /// <summary>Drops the start reminder unless the rollout is recorded as Scheduled (used when recording it failed).</summary>
    Task UnscheduleAsync();
}
