using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The request conflicts with the tenant's current state or with an earlier request (answered as 409).</summary>
[GenerateSerializer, Alias("cp.TenantConflictException")]
public sealed class TenantConflictException(string slug, string message) : Exception(message)
{
    [Id(0)]
    public string Slug { get; } = slug;
}
