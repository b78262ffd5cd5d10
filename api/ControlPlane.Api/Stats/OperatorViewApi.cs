using System.Xml;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Rollouts;
using ControlPlane.Api.Tenants;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Stats;
using ControlPlane.Registry.Contracts.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Stats;

/// <summary>
/// The figures behind the operators' dashboard, read from the registry (never by visiting grains): tenant counts
/// under the listing's filters, onboarding latency over a window, a rollout's pace and ETA.
/// </summary>
public static class OperatorViewApi
{
    private static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);
    private const int ThroughputBuckets = 60;

    // The ETA's rate: the tenants finished in the last minute up to now, so a slow start does not stretch it forever
    // and a stall shows as no rate (no ETA) rather than an old one.
    private static readonly TimeSpan RecentPace = TimeSpan.FromMinutes(1);

    public static IEndpointRouteBuilder MapOperatorViewApi(this IEndpointRouteBuilder app)
    {
        // Under /stats/ (two segments), so no tenant slug can shadow them: GET /v1/tenants/{slug} has one.
        var tenants = app.MapGroup("/v1/tenants/stats").WithTags("Tenants");
        tenants.MapGet("/counts", CountsAsync)
            .WithName("CountTenants")
            .WithSummary("How many tenants match the listing's filters (state, version, label, q): in all, by state and by version.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        tenants.MapGet("/onboarding", OnboardingAsync)
            .WithName("OnboardingLatency")
            .WithSummary("POST-to-Active latency of the tenants that became Active in the last window (ISO 8601, default PT1H): percentiles and a histogram.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        app.MapGet("/v1/rollouts/{id}/throughput", ThroughputAsync)
            .WithTags("Rollouts")
            .WithName("RolloutThroughput")
            .WithSummary("A rollout's tenants finished per second over time, its recent rate and ETA.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return app;
    }

    public static async Task<Ok<TenantCountsResponse>> CountsAsync(
        ITenantRegistryReader registry, string? state, int? version, [FromQuery(Name = "label")] string[]? label, string? q, string? tier, CancellationToken cancellationToken) =>
        TypedResults.Ok(TenantCountsResponse.From(await registry.CountAsync(TenantFilterQuery.Parse(state, version, label, q, tier), cancellationToken)));

    public static async Task<Ok<OnboardingLatencyResponse>> OnboardingAsync(IFleetStats stats, TimeProvider time, string? window, CancellationToken cancellationToken)
    {
        var span = DdlDuration.Parse(window, "window", MinWindow, MaxWindow) ?? TimeSpan.FromHours(1);
        var latencies = await stats.OnboardingLatenciesAsync(time.GetUtcNow() - span, cancellationToken);
        return TypedResults.Ok(new OnboardingLatencyResponse(
            XmlConvert.ToString(span), latencies.From, latencies.To, latencies.Count,
            latencies.P50Ms, latencies.P95Ms, latencies.MaxMs, LatencyHistogram.Of(latencies)));
    }

    public static async Task<Ok<RolloutThroughputResponse>> ThroughputAsync(string id, IFleetStats stats, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new TenantValidationException("id", "A rollout id is letters, digits and '-'.");
        }

        var pace = await stats.RolloutThroughputAsync(id, ThroughputBuckets, cancellationToken) ?? throw new RolloutNotFoundException(id);
        var points = pace.Origin is { } origin
            ? pace.FinishedPerBucket.Select((n, i) => new ThroughputPointResponse(origin.AddSeconds(i * pace.BucketSeconds), (double)n / pace.BucketSeconds)).ToList()
            : [];
        var recent = pace.FinishedPerBucket.TakeLast((int)Math.Ceiling(RecentPace.TotalSeconds / pace.BucketSeconds)).ToList();
        double? rate = recent.Count == 0 ? null : recent.Sum() / (double)(recent.Count * pace.BucketSeconds);
        double? eta = pace.Remaining == 0 || rate is not > 0 ? null : pace.Remaining / rate;
        return TypedResults.Ok(new RolloutThroughputResponse(pace.RolloutId, pace.State, pace.Total, pace.Finished, pace.Remaining, pace.BucketSeconds, points, rate, eta));
    }
}
