using ControlPlane.Grains.Pooled;

namespace ControlPlane.Registry.Contracts.Pooled;

/// <summary>The pooled schema's policy mode (from <c>controlplane.pooled_stores</c>) and every table's state.</summary>
public sealed record PooledPolicyReport(string Schema, int MigrationVersion, PooledPolicyMode Mode, IReadOnlyList<PooledTablePolicy> Tables)
{
    /// <summary>The tables that keep <see cref="PooledPolicyMode.Enforced"/> from being switched on.</summary>
    public IReadOnlyList<PooledTablePolicy> NotReady => [.. Tables.Where(t => t.NotReadyBecause.Count > 0)];
}

/// <summary>One table of the pooled schema as the catalogue has it.</summary>
/// <param name="Table">The table's name in the pooled schema.</param>
/// <param name="HasTenantId">It has a <c>tenant_id</c> column.</param>
/// <param name="PolicyPresent">It carries the isolation policy (<c>tenant_isolation</c>).</param>
/// <param name="RowSecurityEnabled"><c>ENABLE ROW LEVEL SECURITY</c> is on.</param>
/// <param name="Forced"><c>FORCE ROW LEVEL SECURITY</c> is on (the owner is bound too).</param>
/// <param name="TenantIndex">An index leads with <c>tenant_id</c>, so the policy's filter is an index range.</param>
public sealed record PooledTablePolicy(string Table, bool HasTenantId, bool PolicyPresent, bool RowSecurityEnabled, bool Forced, bool TenantIndex)
{
    /// <summary>
    /// The one home of readiness for enforcement: why this table cannot be enforced (empty when it can). A table with
    /// <c>tenant_id</c> but no policy yet is ready: enforcing puts the policy on it; without <c>tenant_id</c> it cannot
    /// get one, and enforced it would show nothing to anyone.
    /// </summary>
    public IReadOnlyList<string> NotReadyBecause
    {
        get
        {
            var reasons = new List<string>();
            if (!HasTenantId)
            {
                reasons.Add("no tenant_id column");
            }

            if (!PolicyPresent && !HasTenantId)
            {
                reasons.Add("no isolation policy (none can be put on a table without tenant_id)");
            }

            if (!TenantIndex)
            {
                reasons.Add("no index leading with tenant_id");
            }

            return reasons;
        }
    }

    /// <summary>True when row-level security is as <paramref name="mode"/> sets it: enabled and forced, or neither.</summary>
    public bool Matches(PooledPolicyMode mode) => mode == PooledPolicyMode.Enforced
        ? PolicyPresent && RowSecurityEnabled && Forced
        : !RowSecurityEnabled && !Forced;
}
