using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// A pooled schema as one unit of a rollout, reported like a tenant (its <paramref name="Name"/>,
/// <c>pooled:&lt;schema&gt;</c>, is among the rollout's tenants, counts and failures) with what a tenant has not:
/// the schema and how many pooled tenants take the version it reaches.
/// </summary>
[GenerateSerializer, Immutable, Alias("cp.RolloutPooledUnit")]
public sealed record RolloutPooledUnit(string Name, string Schema, string Wave, RolloutTenantStatus Status, int FromVersion, string? Error, int Tenants);
