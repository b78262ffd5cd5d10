namespace ControlPlane.Grains.Telemetry;

/// <summary>
/// Names the telemetry attribute that carries a grain's key: every call to a grain whose interface has it is traced
/// and logged with <c>{Name} = {Prefix}{key}</c> (for example <c>tenant.id = acme</c>, <c>tenant.schema = tenant_acme</c>).
/// Read by the silo's grain call filter.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = true)]
public sealed class GrainKeyTagAttribute(string name) : Attribute
{
    /// <summary>The attribute name, e.g. <c>tenant.id</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Put before the key in the value (e.g. <c>tenant_</c> for the tenant's schema).</summary>
    public string Prefix { get; init; } = string.Empty;
}
