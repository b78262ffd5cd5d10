using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The one home of the context rule: every use of a connection on pooled data sets the tenant, transaction-local
/// (<c>set_config(..., true)</c>), as the first command of the batch it runs. A batch without an explicit transaction
/// is one implicit transaction, so the setting ends with it and never rides a pooled connection (or a PgBouncer
/// server connection in transaction mode) into the next caller's transaction.
/// </summary>
public static class PooledTenantContext
{
    /// <summary>The command that sets <paramref name="tenantId"/> as the context of the current transaction.</summary>
    public static NpgsqlBatchCommand Set(string tenantId) => new($"SELECT pg_catalog.set_config('{PooledNames.ContextSetting}', $1, true)")
    {
        Parameters = { new() { Value = tenantId } },
    };
}
