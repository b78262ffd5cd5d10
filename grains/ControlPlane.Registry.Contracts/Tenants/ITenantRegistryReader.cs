namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>Read-only queries over all tenants (listing is not a single-tenant request, so it bypasses the grains).</summary>
public interface ITenantRegistryReader
{
    /// <summary>One page of the tenants <paramref name="filter"/> selects, ordered by slug, starting after <paramref name="afterSlug"/>.</summary>
    Task<TenantPage> ListAsync(TenantFilter filter, int limit, string? afterSlug, CancellationToken cancellationToken);

    /// <summary>How many tenants <paramref name="filter"/> selects: in all, in each state and at each version.</summary>
    Task<TenantCounts> CountAsync(TenantFilter filter, CancellationToken cancellationToken);
}
