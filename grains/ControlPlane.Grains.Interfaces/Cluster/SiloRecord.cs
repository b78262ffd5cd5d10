using Orleans;
namespace ControlPlane.Grains.Cluster;

/// <summary>A row of the membership table: one silo incarnation.</summary>
/// <param name="SiloId">The incarnation's id (<c>name#random</c>); lease owners name it.</param>
/// <param name="Name">The silo's stable name; a restart under the same name is a new incarnation.</param>
/// <param name="Address">Where operators can reach the silo, when it advertises one.</param>
/// <param name="StartedAt">When the incarnation joined.</param>
/// <param name="HeartbeatAt">Its last heartbeat, by the database's clock.</param>
/// <param name="Status">Active, ShuttingDown, or Dead (declared, left, or silent past the dead-after timeout).</param>
/// <param name="StoppedAt">When it left or was declared dead.</param>
/// <param name="ActiveGrains">Activations it reported with its last heartbeat; null once it is dead.</param>
[GenerateSerializer, Immutable, Alias("cp.SiloRecord")]
public sealed record SiloRecord(
    string SiloId,
    string Name,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    SiloStatus Status,
    DateTimeOffset? StoppedAt,
    int? ActiveGrains);
