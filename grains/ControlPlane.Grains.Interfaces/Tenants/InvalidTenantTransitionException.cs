using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>The state machine does not allow this change from the tenant's current state (answered as 409).</summary>
[GenerateSerializer, Alias("cp.InvalidTenantTransitionException")]
public sealed class InvalidTenantTransitionException(string slug, TenantStatus current, string requested)
    : Exception($"Tenant '{slug}' is {current}; it cannot {requested} from that state.")
{
    [Id(0)]
    public string Slug { get; } = slug;

    [Id(1)]
    public TenantStatus Current { get; } = current;

    [Id(2)]
    public string Requested { get; } = requested;
}
