using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>Input that breaks a rule; <see cref="Field"/> names the offending field (answered as 400).</summary>
[GenerateSerializer, Alias("cp.TenantValidationException")]
public sealed class TenantValidationException(string field, string message) : Exception(message)
{
    /// <summary>The JSON field (or query parameter) at fault.</summary>
    [Id(0)]
    public string Field { get; } = field;
}
