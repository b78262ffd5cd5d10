namespace ControlPlane.Grains.Tenants;

/// <summary>Operator actions on a tenant.</summary>
public enum TenantAction
{
    Retry,
    Suspend,
    Resume,
    Delete,
}
