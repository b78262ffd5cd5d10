using ControlPlane.Grains.Telemetry;
using Orleans;
using Orleans.Concurrency;

namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// The rollout grain's own drive, called only by the grain itself (through <see cref="IRolloutGrain.WakeAsync"/>).
/// One-way: the drive lasts as long as the rollout, far past any response timeout; queries and operator actions
/// interleave with it.
/// </summary>
[GrainKeyTag(TelemetryTags.RolloutId)]
[Alias("cp.IRolloutDrive")]
public interface IRolloutDrive : IGrainWithStringKey
{
    /// <summary>Runs the rollout until it finishes, pauses, halts or is cancelled.</summary>
    [OneWay]
    Task DriveAsync();
}
