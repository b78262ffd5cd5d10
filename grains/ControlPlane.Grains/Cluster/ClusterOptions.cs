namespace ControlPlane.Grains.Cluster;

/// <summary>Membership settings (configuration section <c>ControlPlane:Cluster</c>).</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "ControlPlane:Cluster";

    /// <summary>
    /// Stable name of this silo (defaults to the machine name). A silo starting under a name declares the
    /// previous incarnation of that name dead at once, so a restarted silo resumes its own work without waiting.
    /// </summary>
    public string? SiloName { get; set; }

    /// <summary>The address other silos and operators can reach this silo at (shown in <c>/v1/cluster</c>).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How often the silo writes its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo whose heartbeat is older than this is dead: its leases may be taken and its own writes are refused.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(10);
}
