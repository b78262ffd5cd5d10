namespace ControlPlane.Registry.Contracts.Cluster;

/// <summary>A silo's status in Orleans' membership table, by Orleans' own names.</summary>
public enum SiloStatus
{
    /// <summary>Starting, not yet a member.</summary>
    Joining,

    /// <summary>A live member: it hosts grains and its leases count.</summary>
    Active,

    /// <summary>Leaving gracefully: its leases no longer count, its activations are handed over.</summary>
    ShuttingDown,

    /// <summary>Stopping after it left.</summary>
    Stopping,

    /// <summary>Gone: it stopped, or the cluster declared it dead.</summary>
    Dead,
}
