namespace ControlPlane.Grains.Cluster;

/// <summary>A silo's state in the membership table.</summary>
public enum SiloStatus
{
    Active,
    ShuttingDown,
    Dead,
}
