using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>One pooled tenant's rows across the shared tables: which tables hold them, in which order they can go.</summary>
public static class PooledRows
{
    /// <summary>Rows one delete statement removes at most, so no statement holds a huge tenant's locks at once.</summary>
    public const int DeleteBatch = 5000;

    /// <summary>
    /// The pooled tables with a tenant_id column, each after every table it references (parents first); the control
    /// table is not among them.
    /// </summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        var references = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname,
                   coalesce(array_agg(DISTINCT f.relname) FILTER (WHERE f.relname IS NOT NULL AND f.oid <> c.oid), '{}')
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
            LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> $2
            GROUP BY c.relname
            ORDER BY c.relname
            """, connection, transaction))
        {
            command.Parameters.Add(new() { Value = schema });
            command.Parameters.Add(new() { Value = PooledNames.TenantsTable });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                tables.Add(name);
                references[name] = [.. reader.GetFieldValue<string[]>(1)];
            }
        }

        var ordered = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < tables.Count)
        {
            var ready = tables.Where(t => !placed.Contains(t) && references[t].All(r => placed.Contains(r) || !references.ContainsKey(r))).ToList();
            if (ready.Count == 0)
            {
                // A cycle of references: the rest in name order (their deletes cascade or fail loudly).
                ready = [.. tables.Where(t => !placed.Contains(t))];
            }

            foreach (var table in ready)
            {
                placed.Add(table);
                ordered.Add(table);
            }
        }

        return ordered;
    }

    /// <summary>Deletes the tenant's rows, children first, in bounded batches, then its control row; the rows removed.</summary>
    public static async Task<long> DeleteTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string tenantId, CancellationToken cancellationToken)
    {
        long removed = 0;
        var tables = await TablesAsync(connection, transaction, schema, cancellationToken);
        foreach (var table in tables.Reverse())
        {
            var quoted = PooledSteps.Table(schema, table);
            while (true)
            {
                await using var delete = new NpgsqlCommand(
                    $"DELETE FROM {quoted} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {quoted} WHERE tenant_id = $1 LIMIT {DeleteBatch}))", connection, transaction);
                delete.Parameters.Add(new() { Value = tenantId });
                var count = await delete.ExecuteNonQueryAsync(cancellationToken);
                removed += count;
                if (count < DeleteBatch)
                {
                    break;
                }
            }
        }

        await using var control = new NpgsqlCommand($"DELETE FROM {PooledSteps.Table(schema, PooledNames.TenantsTable)} WHERE tenant_id = $1", connection, transaction);
        control.Parameters.Add(new() { Value = tenantId });
        await control.ExecuteNonQueryAsync(cancellationToken);
        return removed;
    }
}
