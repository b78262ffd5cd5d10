namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>How many tenants match a filter, in all, by state (every state, zero included) and by migration version.</summary>
public sealed record TenantCounts(long Total, IReadOnlyDictionary<string, long> ByState, IReadOnlyDictionary<int, long> ByVersion);
