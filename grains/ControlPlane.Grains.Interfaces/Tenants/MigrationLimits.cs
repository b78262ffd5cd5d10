using Orleans;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Time limits a rollout sets on its tenants' DDL, overriding the deployment's <c>ControlPlane:Migrations</c> values;
/// a null field takes the deployment's value.
/// </summary>
/// <param name="LockTimeout">How long one statement may wait for a lock before the migration is tried again.</param>
/// <param name="StatementTimeout">How long one statement may run before the tenant fails (a runaway migration).</param>
[GenerateSerializer, Immutable, Alias("cp.MigrationLimits")]
public sealed record MigrationLimits(TimeSpan? LockTimeout, TimeSpan? StatementTimeout)
{
    /// <summary>The deployment's values throughout.</summary>
    public static MigrationLimits Default { get; } = new(null, null);
}
