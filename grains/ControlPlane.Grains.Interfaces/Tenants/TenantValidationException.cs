namespace ControlPlane.Grains.Tenants;

/// <summary>Input that breaks a rule; <see cref="Field"/> names the offending field (answered as 400).</summary>
public sealed class TenantValidationException(string field, string message) : Exception(message)
{
    /// <summary>The JSON field (or query parameter) at fault.</summary>
    public string Field { get; } = field;
}
