using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The outcome of <see cref="ITenantGrain.ProvisionAsync"/>.</summary>
/// <param name="Tenant">The tenant as registered.</param>
/// <param name="Created">True when this call registered it; false when an identical earlier request already had.</param>
[GenerateSerializer, Immutable, Alias("cp.ProvisionResult")]
public sealed record ProvisionResult(TenantSnapshot Tenant, bool Created);
