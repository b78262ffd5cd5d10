using ControlPlane.Grains.Tenants;
namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>Read-only queries over all tenants (listing is not a single-tenant request, so it bypasses the grains).</summary>
public interface ITenantRegistryReader
{
    /// <summary>
    /// One page of tenants ordered by slug, optionally filtered by state and by a label selector, starting after
    /// <paramref name="afterSlug"/>.
    /// </summary>
    Task<TenantPage> ListAsync(TenantStatus? status, int limit, string? afterSlug, CancellationToken cancellationToken, LabelSelector? labels = null);

    /// <summary>How many tenants are in each state.</summary>
    Task<IReadOnlyDictionary<TenantStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);
}
