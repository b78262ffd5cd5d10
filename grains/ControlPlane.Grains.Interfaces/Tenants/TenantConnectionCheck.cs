using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What a query through the tenant's own pool saw.</summary>
/// <param name="User">The role the connection runs as.</param>
/// <param name="SearchPath">The schemas on its effective search path.</param>
/// <param name="Milliseconds">How long opening a connection and running the query took.</param>
[GenerateSerializer, Immutable, Alias("cp.TenantConnectionCheck")]
public sealed record TenantConnectionCheck(string User, IReadOnlyList<string> SearchPath, double Milliseconds);
