namespace ControlPlane.Registry.Contracts.Cluster;

/// <summary>A row of Orleans' membership table: one silo incarnation.</summary>
/// <param name="SiloId">The incarnation's Orleans address with its generation (<c>10.0.0.5:11111@123456789</c>); lease owners name it.</param>
/// <param name="Name">The silo's name (Orleans' <c>SiloName</c>: <c>Orleans:SiloName</c>, or one Orleans generates); a restart is a new incarnation.</param>
/// <param name="Address">The silo-to-silo endpoint it advertises (<c>ip:port</c>).</param>
/// <param name="StartedAt">When the incarnation joined.</param>
/// <param name="HeartbeatAt">Its last I-am-alive write to the membership table.</param>
/// <param name="Status">Joining, Active, ShuttingDown, Stopping or Dead, as Orleans' membership has it.</param>
/// <param name="StoppedAt">For a dead silo, when it was last seen alive.</param>
/// <param name="ActiveGrains">Grain activations it hosts now (asked of the silo); null unless it is Active.</param>
public sealed record SiloRecord(
    string SiloId,
    string Name,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    SiloStatus Status,
    DateTimeOffset? StoppedAt,
    int? ActiveGrains);
