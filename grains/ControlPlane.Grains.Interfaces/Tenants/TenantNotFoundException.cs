using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>No tenant has this slug (answered as 404).</summary>
[GenerateSerializer, Alias("cp.TenantNotFoundException")]
public sealed class TenantNotFoundException(string slug) : Exception($"No tenant has the slug '{slug}'.")
{
    [Id(0)]
    public string Slug { get; } = slug;
}
