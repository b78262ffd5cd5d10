using ControlPlane.Api.Contracts;
using ControlPlane.Registry.Contracts.Stats;

namespace ControlPlane.Api.Stats;

/// <summary>The registry's onboarding histogram as the API shows it: one bucket per fixed edge, the last open-ended.</summary>
public static class LatencyHistogram
{
    public static IReadOnlyList<LatencyBucketResponse> Of(OnboardingLatencies latencies)
    {
        var edges = OnboardingLatencies.EdgesMs;
        return [.. edges.Select((from, i) => new LatencyBucketResponse(from, i + 1 < edges.Count ? edges[i + 1] : null, latencies.BucketCounts[i]))];
    }
}
