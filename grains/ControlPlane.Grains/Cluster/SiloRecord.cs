namespace ControlPlane.Grains.Cluster;

/// <summary>A row of the membership table.</summary>
public sealed record SiloRecord(
    string SiloId,
    string Name,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    SiloStatus Status,
    DateTimeOffset? StoppedAt);
