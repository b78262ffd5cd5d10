namespace ControlPlane.Grains.Tenants;

/// <summary>The request conflicts with the tenant's current state or with an earlier request (answered as 409).</summary>
public sealed class TenantConflictException(string slug, string message) : Exception(message)
{
    public string Slug { get; } = slug;
}
