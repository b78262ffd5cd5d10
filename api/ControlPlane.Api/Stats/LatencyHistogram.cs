using ControlPlane.Api.Contracts;

namespace ControlPlane.Api.Stats;

/// <summary>
/// Fixed bucket edges for onboarding latency (1-2-5 steps from 5 ms to 60 s), so that histograms from different
/// windows and silos line up bar for bar; a warm-pool claim lands in the first buckets, a cold build further right.
/// </summary>
public static class LatencyHistogram
{
    public static readonly double[] EdgesMs = [0, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000];

    /// <summary>The count in each bucket of <see cref="EdgesMs"/> (the last one open-ended) of the sorted <paramref name="sortedMs"/>.</summary>
    public static IReadOnlyList<LatencyBucketResponse> Of(IReadOnlyList<double> sortedMs)
    {
        var counts = new int[EdgesMs.Length];
        foreach (var ms in sortedMs)
        {
            var i = Array.BinarySearch(EdgesMs, ms);
            counts[i >= 0 ? i : Math.Max(0, ~i - 1)]++;
        }

        return [.. EdgesMs.Select((from, i) => new LatencyBucketResponse(from, i + 1 < EdgesMs.Length ? EdgesMs[i + 1] : null, counts[i]))];
    }

    /// <summary>Nearest-rank percentile of a sorted sample; null for none.</summary>
    public static double? Percentile(IReadOnlyList<double> sortedMs, double percentile) =>
        sortedMs.Count == 0 ? null : sortedMs[Math.Clamp((int)Math.Ceiling(percentile / 100 * sortedMs.Count) - 1, 0, sortedMs.Count - 1)];
}
