namespace ControlPlane.Api.Contracts;

/// <summary>
/// A rollout's pace: tenants finished per second in each bucket from its first finished tenant, the recent rate and the
/// time left at that rate (null when nothing is left or nothing finished yet).
/// </summary>
public sealed record RolloutThroughputResponse(
    string Id, string State, long Total, long Finished, long Remaining, int BucketSeconds, IReadOnlyList<ThroughputPointResponse> Points,
    double? TenantsPerSecond, double? EtaSeconds);

/// <summary>The tenants finished per second in the bucket that starts at <see cref="At"/>.</summary>
public sealed record ThroughputPointResponse(DateTimeOffset At, double TenantsPerSecond);
