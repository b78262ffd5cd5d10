namespace ControlPlane.Grains.Tenants;

/// <summary>A write clashes with the tenant's data: a unique value taken, or a row still referenced (answered as 409).</summary>
public sealed class TenantDataConflictException(string field, string message) : Exception(message)
{
    /// <summary>The field at fault.</summary>
    public string Field { get; } = field;
}
