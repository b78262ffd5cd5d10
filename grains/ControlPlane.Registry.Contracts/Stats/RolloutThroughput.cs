namespace ControlPlane.Registry.Contracts.Stats;

/// <summary>
/// How fast a rollout's tenants finished (succeeded or failed): the count per bucket of <see cref="BucketSeconds"/>
/// from the first one that finished, and how many are still to do.
/// </summary>
public sealed record RolloutThroughput(string RolloutId, string State, long Total, long Finished, long Remaining, DateTimeOffset? Origin, int BucketSeconds, IReadOnlyList<long> FinishedPerBucket);
