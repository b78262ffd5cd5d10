using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The caller's If-Match etag is stale: someone changed the tenant since (answered as 412).</summary>
[GenerateSerializer, Alias("cp.TenantPreconditionFailedException")]
public sealed class TenantPreconditionFailedException(string slug, long expected, long actual)
    : Exception($"Tenant '{slug}' has changed: its etag is {actual}, not {expected}. Read it again and retry.")
{
    [Id(0)]
    public string Slug { get; } = slug;

    [Id(1)]
    public long Actual { get; } = actual;
}
