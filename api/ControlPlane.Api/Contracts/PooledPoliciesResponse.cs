using ControlPlane.Grains.Pooled;
using ControlPlane.Registry.Contracts.Pooled;

namespace ControlPlane.Api.Contracts;

/// <summary><c>GET /v1/pooled/policies</c> (and the answer of a switch): the pooled schema's mode and every table's row-level security.</summary>
/// <param name="Schema">The pooled schema (<c>ControlPlane:Pooled:Schema</c>).</param>
/// <param name="Mode"><c>enforced</c> or <c>shadow</c>, as <c>controlplane.pooled_stores.policy_mode</c> holds it.</param>
/// <param name="Isolation">What keeps pooled tenants apart in this mode, in one sentence.</param>
/// <param name="Ready">Every table is ready for <c>enforced</c> (a switch to it would not be refused).</param>
/// <param name="MigrationVersion">The pooled schema's version.</param>
/// <param name="Tables">Every table of the pooled schema, the control table <c>tenants</c> included, by name.</param>
/// <param name="Previous">For a switch: the mode before it (equal to <paramref name="Mode"/> when nothing changed).</param>
/// <param name="Changed">For a switch: whether it changed the mode.</param>
public sealed record PooledPoliciesResponse(
    string Schema, string Mode, string Isolation, bool Ready, int MigrationVersion, IReadOnlyList<PooledTablePolicyResponse> Tables, string? Previous = null, bool? Changed = null)
{
    public static PooledPoliciesResponse From(PooledPolicyReport report) => new(
        report.Schema,
        ModeText(report.Mode),
        report.Mode == PooledPolicyMode.Enforced
            ? "PostgreSQL enforces it: row-level security is enabled and forced on every pooled table, so a transaction without a tenant context sees no row and writes none, whatever the application does."
            : "Isolation rests on the application alone: the policies are defined but not enforced, so only the data API's own tenant filter keeps pooled tenants apart; any other SQL as the pooled data role sees every tenant's rows.",
        report.NotReady.Count == 0,
        report.MigrationVersion,
        [.. report.Tables.Select(t => PooledTablePolicyResponse.From(t, report.Mode))]);

    public static PooledPoliciesResponse From(PooledPolicySwitch done) => From(done.Report) with
    {
        Previous = ModeText(done.Previous),
        Changed = done.Previous != done.Report.Mode,
    };

    /// <summary>The mode as the API spells it (lower case, as the endpoints that switch to it).</summary>
    public static string ModeText(PooledPolicyMode mode) => mode == PooledPolicyMode.Enforced ? "enforced" : "shadow";
}

/// <summary>One pooled table.</summary>
/// <param name="Table">Its name in the pooled schema.</param>
/// <param name="HasTenantId">It has a <c>tenant_id</c> column.</param>
/// <param name="PolicyPresent">It carries the isolation policy <c>tenant_isolation</c>.</param>
/// <param name="RowSecurityEnabled"><c>ENABLE ROW LEVEL SECURITY</c>.</param>
/// <param name="Forced"><c>FORCE ROW LEVEL SECURITY</c> (binds the table's owner too).</param>
/// <param name="TenantIndex">An index leads with <c>tenant_id</c>.</param>
/// <param name="Mode">The schema's mode, which this table follows.</param>
/// <param name="AsMode">Its row-level security is what the mode sets (enabled and forced with the policy, or neither).</param>
/// <param name="NotReady">Why it keeps <c>enforced</c> from being switched on; empty when it does not.</param>
public sealed record PooledTablePolicyResponse(
    string Table, bool HasTenantId, bool PolicyPresent, bool RowSecurityEnabled, bool Forced, bool TenantIndex, string Mode, bool AsMode, IReadOnlyList<string> NotReady)
{
    public static PooledTablePolicyResponse From(PooledTablePolicy table, PooledPolicyMode mode) => new(
        table.Table, table.HasTenantId, table.PolicyPresent, table.RowSecurityEnabled, table.Forced, table.TenantIndex,
        PooledPoliciesResponse.ModeText(mode), table.Matches(mode), table.NotReadyBecause);
}
