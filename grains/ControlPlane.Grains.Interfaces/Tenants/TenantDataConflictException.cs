using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A write clashes with the tenant's data: a unique value taken, or a row still referenced (answered as 409).</summary>
[GenerateSerializer, Alias("cp.TenantDataConflictException")]
public sealed class TenantDataConflictException(string field, string message) : Exception(message)
{
    /// <summary>The field at fault.</summary>
    [Id(0)]
    public string Field { get; } = field;
}
