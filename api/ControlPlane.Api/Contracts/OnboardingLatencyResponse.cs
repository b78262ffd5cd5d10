namespace ControlPlane.Api.Contracts;

/// <summary>
/// POST-to-Active latency of the tenants that became Active in the window (from each one's registration to its
/// first activation; a resume does not count again), as percentiles and a histogram whose buckets hold latencies in [fromMs, toMs).
/// </summary>
public sealed record OnboardingLatencyResponse(
    string Window, DateTimeOffset From, DateTimeOffset To, int Count, double? P50Ms, double? P95Ms, double? MaxMs, IReadOnlyList<LatencyBucketResponse> Buckets);

/// <summary>How many latencies fell in [<see cref="FromMs"/>, <see cref="ToMs"/>); the last bucket has no upper bound (null).</summary>
public sealed record LatencyBucketResponse(double FromMs, double? ToMs, int Count);
