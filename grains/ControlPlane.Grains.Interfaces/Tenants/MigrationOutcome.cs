using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What <c>ITenantGrain.MigrateToAsync</c> did.</summary>
/// <param name="Status">Succeeded (at or above the target), Failed (old version kept), or Skipped (not migratable now).</param>
/// <param name="Version">The tenant's version afterwards.</param>
/// <param name="Detail">The error, or why it was skipped.</param>
/// <param name="LockTries">The most tries any one migration needed because of lock timeouts (1: none; 0: nothing ran).</param>
[GenerateSerializer, Immutable, Alias("cp.MigrationOutcome")]
public sealed record MigrationOutcome(Rollouts.RolloutTenantStatus Status, int Version, string? Detail, int LockTries = 0);
