namespace ControlPlane.Registry.Contracts.Stats;

/// <summary>
/// The time from each tenant's registration to its first activation, for the tenants first Active in the window,
/// summarised by the registry: count, nearest-rank percentiles, maximum, and a histogram over <see cref="EdgesMs"/>.
/// </summary>
/// <param name="From">The window's start.</param>
/// <param name="To">When the registry answered (its clock).</param>
/// <param name="Count">Tenants first Active in the window.</param>
/// <param name="P50Ms">Median latency; null for none.</param>
/// <param name="P95Ms">95th percentile (nearest rank); null for none.</param>
/// <param name="MaxMs">Slowest; null for none.</param>
/// <param name="BucketCounts">One count per edge: latencies in [EdgesMs[i], EdgesMs[i + 1]), the last open-ended.</param>
public sealed record OnboardingLatencies(
    DateTimeOffset From, DateTimeOffset To, int Count, double? P50Ms, double? P95Ms, double? MaxMs, IReadOnlyList<int> BucketCounts)
{
    /// <summary>
    /// Fixed bucket edges (1-2-5 steps from 5 ms to 60 s), so that histograms from different windows and silos line
    /// up bar for bar; a warm-pool claim lands in the first buckets, a cold build further right.
    /// </summary>
    public static IReadOnlyList<double> EdgesMs { get; } = [0, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000];
}
