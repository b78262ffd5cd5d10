using ControlPlane.Grains.Tenants;
using Orleans;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The one writer of a pooled schema's version (keyed by the schema's name): a rollout migrates the pooled schema
/// through it, as one unit, and every pooled tenant in it takes the version it reaches.
/// </summary>
[Alias("cp.IPooledStoreGrain")]
public interface IPooledStoreGrain : IGrainWithStringKey
{
    /// <summary>
    /// Brings the pooled schema to <paramref name="targetVersion"/> with the pooled catalogue, one migration per
    /// transaction under the rollout's <paramref name="limits"/>, then every pooled tenant in it to the version reached.
    /// Succeeded at or above the target; Failed (the schema keeps its version, its tenants keep serving) with the
    /// error; Skipped when the schema is not made.
    /// </summary>
    Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId, MigrationLimits limits);
}
