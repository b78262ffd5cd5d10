namespace ControlPlane.Grains.Tenants;

/// <summary>The state machine does not allow this change from the tenant's current state (answered as 409).</summary>
public sealed class InvalidTenantTransitionException(string slug, TenantStatus current, string requested)
    : Exception($"Tenant '{slug}' is {current}; it cannot {requested} from that state.")
{
    public string Slug { get; } = slug;

    public TenantStatus Current { get; } = current;

    public string Requested { get; } = requested;
}
