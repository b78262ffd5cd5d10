using Orleans;

namespace ControlPlane.Grains.Tenants;

/// <summary>A unit of the tenant's DDL is waiting to be tried again because a lock it needed was held too long.</summary>
/// <param name="Tries">Tries of the unit so far, each of which gave up after the lock timeout.</param>
/// <param name="Since">When the unit's first try gave up.</param>
/// <param name="LastError">PostgreSQL's error from the last try.</param>
/// <param name="Step">The step waiting (Migrate for a rollout's migrations).</param>
[GenerateSerializer, Immutable, Alias("cp.TenantLockWait")]
public sealed record TenantLockWait(int Tries, DateTimeOffset Since, string LastError, ProvisioningStep? Step);
