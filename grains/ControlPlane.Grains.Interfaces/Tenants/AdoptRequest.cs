using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What adopting a schema another tool created asks for.</summary>
/// <param name="DisplayName">Human-readable name of the new tenant.</param>
/// <param name="Schema">The existing schema; it is renamed to the tenant's own <c>tenant_&lt;slug&gt;</c>.</param>
/// <param name="BaselineVersion">The catalogue version the schema is at: its structure must be what versions 1..N produce.</param>
[GenerateSerializer, Immutable, Alias("cp.AdoptRequest")]
public sealed record AdoptRequest(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string Schema,
    [property: Id(2)] int BaselineVersion);
