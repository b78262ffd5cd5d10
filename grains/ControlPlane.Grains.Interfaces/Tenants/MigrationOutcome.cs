using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What <see cref="ITenantGrain.MigrateToAsync"/> did.</summary>
/// <param name="Status">Succeeded (at or above the target), Failed (old version kept), or Skipped (not migratable now).</param>
/// <param name="Version">The tenant's version afterwards.</param>
/// <param name="Detail">The error, or why it was skipped.</param>
[GenerateSerializer, Immutable, Alias("cp.MigrationOutcome")]
public sealed record MigrationOutcome(Rollouts.RolloutTenantStatus Status, int Version, string? Detail);
