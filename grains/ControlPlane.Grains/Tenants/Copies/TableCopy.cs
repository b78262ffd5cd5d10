using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>Rows copied into one table, as counted in the source and in the target after the copy.</summary>
public sealed record CopiedTable(string Table, long SourceRows, long TargetRows);

/// <summary>
/// Copies the target's tables from a source schema, in one transaction the caller opened (REPEATABLE READ, so every
/// table is read from the same snapshot). It empties the target tables first, so running it again after a crash gives
/// the same result rather than twice the rows; identity and serial sequences are set to the copied maximum.
/// </summary>
public static class TableCopy
{
    // sourceKeysHold: the source has the target's exact structure (a clone), so its rows, read from one snapshot,
    // already satisfy the same foreign keys; checking them row by row again is skipped (session_replication_role =
    // replica, when the control plane's role may set it). An import's rows have their keys checked as they go in.
    public static async Task<IReadOnlyList<CopiedTable>> RunAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaStructure source, SchemaStructure target, bool sourceKeysHold, CancellationToken cancellationToken)
    {
        var from = PgIdentifier.Quote(source.Schema);
        var to = PgIdentifier.Quote(target.Schema);
        var tables = target.InsertOrder();
        if (tables.Count == 0)
        {
            return [];
        }

        if (sourceKeysHold)
        {
            await ExecuteAsync(connection, transaction,
                "SELECT pg_catalog.set_config('session_replication_role', 'replica', true) WHERE pg_catalog.has_parameter_privilege('session_replication_role', 'SET')",
                cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"TRUNCATE {string.Join(", ", tables.Select(t => $"{to}.{PgIdentifier.Quote(t.Name)}"))}", cancellationToken);
        var copied = new List<CopiedTable>();
        foreach (var table in tables)
        {
            // Generated columns compute themselves; identity columns keep the source's values (OVERRIDING SYSTEM VALUE).
            var columns = string.Join(", ", table.Columns.Where(c => c.Generated == string.Empty).Select(c => PgIdentifier.Quote(c.Name)));
            var name = PgIdentifier.Quote(table.Name);
            var inserted = await ExecuteAsync(connection, transaction,
                $"INSERT INTO {to}.{name} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {from}.{name}", cancellationToken);
            var sourceRows = await CountAsync(connection, transaction, $"{from}.{name}", cancellationToken);
            var targetRows = await CountAsync(connection, transaction, $"{to}.{name}", cancellationToken);
            copied.Add(new CopiedTable(table.Name, sourceRows, targetRows));
            if (sourceRows != targetRows || inserted != sourceRows)
            {
                throw new StepFailedException($"Copying {table.Name} gave {targetRows} rows in {target.Schema} for {sourceRows} in {source.Schema}; nothing was kept.", retryable: true);
            }

            foreach (var column in table.Columns.Where(c => c.Identity != string.Empty || (c.Default?.StartsWith("nextval(", StringComparison.Ordinal) ?? false)))
            {
                // setval(..., max) makes the next insert take max + 1; an empty table keeps its fresh sequence.
                await ExecuteAsync(connection, transaction,
                    $"""
                    SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({PgIdentifier.Literal($"{to}.{name}")}, {PgIdentifier.Literal(column.Name)}), m)
                    FROM (SELECT max({PgIdentifier.Quote(column.Name)}) AS m FROM {to}.{name}) s WHERE m IS NOT NULL
                    """, cancellationToken);
            }
        }

        return copied;
    }

    /// <summary>The copy as one line for the timeline: total rows, then each table.</summary>
    public static string Describe(IReadOnlyList<CopiedTable> copied) =>
        $"{copied.Sum(c => c.TargetRows)} rows in {copied.Count} tables, counts verified ({string.Join(", ", copied.Select(c => $"{c.Table} {c.TargetRows}"))})";

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection, transaction) { CommandTimeout = 0 };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
