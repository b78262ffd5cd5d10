namespace ControlPlane.Registry.Contracts.Stats;

/// <summary>The figures the operators' dashboard draws, read from the registry's timelines and rollout outcomes.</summary>
public interface IFleetStats
{
    /// <summary>The onboarding latencies of the tenants that first became Active at or after <paramref name="from"/>.</summary>
    Task<OnboardingLatencies> OnboardingLatenciesAsync(DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>A rollout's finished tenants over time, in at most <paramref name="maxBuckets"/> buckets; null when there is no such rollout.</summary>
    Task<RolloutThroughput?> RolloutThroughputAsync(string rolloutId, int maxBuckets, CancellationToken cancellationToken);
}
