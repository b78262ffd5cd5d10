namespace ControlPlane.Grains.Cluster;

/// <summary>How the registry judges a lease holder (configuration section <c>ControlPlane:Fence</c>).</summary>
/// <remarks>
/// A lease counts while its holder is <c>Active</c> in Orleans' membership table and its heartbeat there, written
/// by the database's clock, is younger than <see cref="HeartbeatExpiry"/>. Orleans' own vote declares a silent silo
/// dead within seconds; the heartbeat bound also frees the leases of a cluster whose every silo died at once,
/// when no survivor is left to vote. See docs/guarantees.md.
/// </remarks>
public sealed class FenceOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ControlPlane:Fence";

    /// <summary>A holder whose membership heartbeat is older than this no longer holds its leases.</summary>
    public TimeSpan HeartbeatExpiry { get; set; } = TimeSpan.FromSeconds(30);
}
