using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Steps;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The operator actions where a pooled tenant differs from a schema-tier one. There is no role per pooled tenant to
/// refuse logins to, so its suspension is the <c>suspended</c> flag of its row in the pooled schema's control table,
/// which <c>active_tenant()</c>, and through it every policy, reads; and what works on a tenant's own schema (backups,
/// restores, clones, and the retention that keeps a Final backup) is refused with the way out named.
/// </summary>
public static class PooledOperations
{
    /// <summary>
    /// Sets or clears the tenant's suspension in its control row, in the step's transaction, so the flag and the
    /// registry state commit together: from that commit on, its rows are invisible and its writes refused to the data
    /// role even from a silo whose cached state is still Active. A tenant not registered yet (suspended or deleted
    /// before its first step) has no row to flag, and nothing of it is visible anyway.
    /// </summary>
    public static async Task SetSuspendedAsync(StepContext context, bool suspended)
    {
        var schema = context.Row.PooledSchema ?? throw new InvalidOperationException($"Tenant '{context.Slug}' is not pooled.");
        await using var command = context.Command($"UPDATE {PooledSteps.Table(schema, PooledNames.TenantsTable)} SET suspended = $2 WHERE tenant_id = $1 AND suspended <> $2");
        command.Parameters.Add(new() { Value = context.Slug.Value });
        command.Parameters.Add(new() { Value = suspended });
        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }

    /// <summary>
    /// Refuses (409) what <paramref name="why"/> describes for a pooled tenant: its rows share tables with other
    /// tenants, and backups, a restore's swap and a clone's copy all work on a schema of the tenant's own.
    /// </summary>
    public static void RefuseSchemaOnly(TenantRow row, string why, string? otherwise = null)
    {
        if (row.Tier == TenantTier.Pooled)
        {
            throw new TenantConflictException(row.Slug, Refusal(row.Slug, why, otherwise));
        }
    }

    /// <summary>The refusal's text (also for <see cref="TenantSourceMismatchException"/>, which names the request's field).</summary>
    public static string Refusal(string slug, string why, string? otherwise = null) =>
        $"Tenant '{slug}' is in the pooled tier, whose rows share the pooled schema's tables with other tenants, and {why}. Move it to the schema tier first (POST /v1/tenants/{slug}/move {{\"tier\":\"schema\"}}){(otherwise is null ? string.Empty : ", or " + otherwise)}.";
}
