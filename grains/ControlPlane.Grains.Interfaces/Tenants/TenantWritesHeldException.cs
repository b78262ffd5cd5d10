using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A write reached a tenant whose rows are being copied to another tier (answered as 503 with Retry-After).</summary>
[GenerateSerializer, Alias("cp.TenantWritesHeldException")]
public sealed class TenantWritesHeldException(string slug) : Exception(
    $"Tenant '{slug}' is moving between tiers and its rows are being copied; writes are held until the copy is verified and routing switches (reads continue). Retry shortly.")
{
    [Id(0)]
    public string Slug { get; } = slug;
}
