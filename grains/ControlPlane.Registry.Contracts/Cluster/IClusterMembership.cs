namespace ControlPlane.Registry.Contracts.Cluster;

/// <summary>Reads the cluster's membership table, which every silo shares through the registry.</summary>
public interface IClusterMembership
{
    /// <summary>Every silo incarnation seen in the last day: live ones first, then the newest.</summary>
    Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken);
}
