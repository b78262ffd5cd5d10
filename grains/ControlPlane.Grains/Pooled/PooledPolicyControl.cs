using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.Pooled;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// <c>/v1/pooled/policies</c>: reads the pooled schema's row-level security from the catalogue and switches its mode.
/// A switch is one transaction on a work connection: the schema made if it is not yet (in the configured mode), its
/// registry row locked (one writer; a pooled migration holds the same lock), every table checked, the mode written and
/// <see cref="PooledPolicies.Apply"/> run. A refusal rolls all of it back.
/// </summary>
public sealed class PooledPolicyControl(PooledStore store, ControlPlaneDataSources dataSources, WorkConnectionBudget budget) : IPooledPolicies
{
    public async Task<PooledPolicyReport> ReportAsync(CancellationToken cancellationToken)
    {
        var schema = store.Schema;
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        var state = await PooledStore.ReadAsync(connection, null, schema, cancellationToken) ?? throw new PooledSchemaNotMadeException(schema);
        return new PooledPolicyReport(schema, state.MigrationVersion, state.Mode, await ReadTablesAsync(connection, null, schema, cancellationToken));
    }

    public async Task<PooledPolicySwitch> SwitchAsync(PooledPolicyMode mode, CancellationToken cancellationToken)
    {
        var schema = store.Schema;
        await using var lease = await budget.OpenAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await PooledStore.ReadAsync(connection, transaction, schema, cancellationToken) is null;
        await store.EnsureAsync(connection, transaction, cancellationToken);

        PooledStoreState locked;
        await using (var lockRow = new NpgsqlCommand(
            "SELECT migration_version, policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new() { Value = schema });
            await using var reader = await lockRow.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            locked = new PooledStoreState(schema, reader.GetInt32(0), Enum.Parse<PooledPolicyMode>(reader.GetString(1)));
        }

        var tables = await ReadTablesAsync(connection, transaction, schema, cancellationToken);
        if (mode == PooledPolicyMode.Enforced && tables.Where(t => t.NotReadyBecause.Count > 0).ToList() is { Count: > 0 } notReady)
        {
            throw new PooledPoliciesNotReadyException(schema, notReady);
        }

        if (locked.Mode != mode)
        {
            await using var write = new NpgsqlCommand(
                "UPDATE controlplane.pooled_stores SET policy_mode = $2, updated_at = now() WHERE schema_name = $1", connection, transaction);
            write.Parameters.Add(new() { Value = schema });
            write.Parameters.Add(new() { Value = mode.ToString() });
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        // Also when the mode is unchanged: it puts the policy on, and the mode onto, a table that drifted (Apply leaves
        // tables already as asked untouched, so a repeated switch takes no table lock).
        try
        {
            await using var apply = new NpgsqlCommand(PooledPolicies.Apply(schema, mode), connection, transaction);
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // Changing a table's row-level security waits for its lock behind the tenants' queries; past lock_timeout
            // the transaction is rolled back and the caller may simply retry (a 503 with Retry-After).
            throw new TimeoutException(
                $"Switching pooled schema '{schema}' to {mode} waited longer than lock_timeout for a table lock held by tenants' queries; nothing was changed. Retry.", e);
        }

        var after = await ReadTablesAsync(connection, transaction, schema, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PooledPolicySwitch(new PooledPolicyReport(schema, locked.MigrationVersion, mode, after), locked.Mode, created);
    }

    /// <summary>Every table of <paramref name="schema"/> (the control table included), by name, as the catalogue has it.</summary>
    public static async Task<IReadOnlyList<PooledTablePolicy>> ReadTablesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname::text,
                   t.attnum IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2),
                   c.relrowsecurity,
                   c.relforcerowsecurity,
                   t.attnum IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = t.attnum)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attribute t ON t.attrelid = c.oid AND t.attname = 'tenant_id' AND t.attnum > 0 AND NOT t.attisdropped
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
            ORDER BY c.relname
            """, connection, transaction);
        command.Parameters.Add(new() { Value = schema });
        command.Parameters.Add(new() { Value = PooledNames.PolicyName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<PooledTablePolicy>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new PooledTablePolicy(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5)));
        }

        return tables;
    }
}
