namespace ControlPlane.Api.Contracts;

/// <summary>The cluster's silos (<c>GET /v1/cluster</c>): live ones first.</summary>
public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos);

/// <summary>One silo incarnation of the membership table.</summary>
/// <param name="SiloId">The incarnation's id; a silo that restarts or rejoins gets a new one.</param>
/// <param name="Name">The silo's stable name.</param>
/// <param name="Address">Where the silo can be reached, when it advertises an address; otherwise null.</param>
/// <param name="StartedAt">When the incarnation joined.</param>
/// <param name="HeartbeatAt">Its last heartbeat.</param>
/// <param name="Status"><c>Active</c>, <c>ShuttingDown</c> or <c>Dead</c>.</param>
/// <param name="StoppedAt">When it left or was declared dead; null while it is live.</param>
/// <param name="ActiveGrains">The application's grain activations on it (tenants, rollouts; not Orleans' own system grains), asked of the live silo; null when it is not Active.</param>
public sealed record SiloResponse(
    string SiloId,
    string Name,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    string Status,
    DateTimeOffset? StoppedAt,
    int? ActiveGrains);
