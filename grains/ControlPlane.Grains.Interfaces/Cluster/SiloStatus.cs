using Orleans;
namespace ControlPlane.Grains.Cluster;

/// <summary>A silo's state in the membership table.</summary>
[GenerateSerializer, Alias("cp.SiloStatus")]
public enum SiloStatus
{
    /// <summary>Heartbeating: its leases are valid and it takes work.</summary>
    Active,

    /// <summary>Stopping gracefully: it takes no new work and its leases are free for other silos.</summary>
    ShuttingDown,

    /// <summary>Left, declared dead, or silent past the dead-after timeout: nothing it held is valid.</summary>
    Dead,
}
