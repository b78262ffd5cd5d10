using ControlPlane.Registry.Contracts.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>How many tenants match: in all, in each state (every state, zero included) and at each version present.</summary>
public sealed record TenantCountsResponse(long Total, IReadOnlyDictionary<string, long> ByState, IReadOnlyList<VersionCountResponse> ByVersion)
{
    public static TenantCountsResponse From(TenantCounts counts) => new(
        counts.Total, counts.ByState, [.. counts.ByVersion.OrderBy(v => v.Key).Select(v => new VersionCountResponse(v.Key, v.Value))]);
}

/// <summary>The tenants at one migration version.</summary>
public sealed record VersionCountResponse(int Version, long Count);
