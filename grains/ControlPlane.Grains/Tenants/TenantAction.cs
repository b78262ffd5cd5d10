namespace ControlPlane.Grains.Tenants;

/// <summary>Operator actions on a tenant.</summary>
public enum TenantAction
{
    Retry,
    Suspend,
    Resume,
    Delete,

    /// <summary>Delete with a retention period: keep the data, unable to serve, until the purge time.</summary>
    Retain,
}
