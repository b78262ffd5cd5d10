namespace ControlPlane.Grains.Tenants;

/// <summary>No tenant has this slug (answered as 404).</summary>
public sealed class TenantNotFoundException(string slug) : Exception($"No tenant has the slug '{slug}'.")
{
    public string Slug { get; } = slug;
}
