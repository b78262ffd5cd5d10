using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Moves;

/// <summary>
/// Copies one tenant's rows between its own schema and the pooled schema, table by table in foreign-key order, inside
/// the caller's transaction (the drive's, which holds the tenant's row lock and commits the switch with the rows), then
/// verifies every table on both sides by row count and a checksum of its rows. Ids are kept; sequences are left so that
/// no later insert takes an id the copy brought.
/// </summary>
public static class MoveCopy
{
    /// <summary>Copies from <paramref name="ownSchema"/> into <paramref name="pooledSchema"/> (<paramref name="toPooled"/>) or back.</summary>
    public static async Task<IReadOnlyList<MovedTable>> RunAsync(StepContext context, string ownSchema, string pooledSchema, bool toPooled)
    {
        var tenant = context.Slug.Value;
        var tables = await PooledRows.TablesAsync(context.Connection, context.Transaction, pooledSchema, context.CancellationToken);
        var ownTables = await OwnTablesAsync(context, ownSchema);
        if (!ownTables.Order(StringComparer.Ordinal).SequenceEqual(tables.Order(StringComparer.Ordinal)))
        {
            throw new StepFailedException(
                $"The tables of {ownSchema} ({string.Join(", ", ownTables.Order(StringComparer.Ordinal))}) are not those of {pooledSchema} ({string.Join(", ", tables.Order(StringComparer.Ordinal))}); nothing was moved.",
                retryable: false);
        }

        var moved = new List<MovedTable>(tables.Count);
        foreach (var table in tables)
        {
            var columns = await ColumnsAsync(context, pooledSchema, table);
            var own = await ColumnsAsync(context, ownSchema, table);
            if (own.Count == 0 || !own.Select(c => c.Name).Order(StringComparer.Ordinal).SequenceEqual(columns.Select(c => c.Name).Order(StringComparer.Ordinal)))
            {
                throw new StepFailedException(
                    $"Table {table} differs between {ownSchema} ({(own.Count == 0 ? "missing" : string.Join(", ", own.Select(c => c.Name)))}) and {pooledSchema} ({string.Join(", ", columns.Select(c => c.Name))}); nothing was moved.",
                    retryable: false);
            }

            var list = string.Join(", ", columns.Select(c => PgIdentifier.Quote(c.Name)));
            var ownTable = $"{PgIdentifier.Quote(ownSchema)}.{PgIdentifier.Quote(table)}";
            var pooledTable = $"{PgIdentifier.Quote(pooledSchema)}.{PgIdentifier.Quote(table)}";
            var copy = toPooled
                ? $"INSERT INTO {pooledTable} (tenant_id, {list}) OVERRIDING SYSTEM VALUE SELECT $1, {list} FROM {ownTable}"
                : $"INSERT INTO {ownTable} ({list}) OVERRIDING SYSTEM VALUE SELECT {list} FROM {pooledTable} WHERE tenant_id = $1";
            await ExecuteAsync(context, copy, tenant);

            foreach (var identity in columns.Where(c => c.Identity))
            {
                if (toPooled)
                {
                    await AdvanceSharedSequenceAsync(context, pooledTable, identity.Name, tenant);
                }
                else
                {
                    // The schema's own sequence: setval(max) makes the next insert take max + 1; an empty table keeps its fresh one.
                    await ExecuteAsync(context,
                        $"""
                        SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({PgIdentifier.Literal(ownTable)}, {PgIdentifier.Literal(identity.Name)}), m)
                        FROM (SELECT max({PgIdentifier.Quote(identity.Name)}) AS m FROM {ownTable}) s WHERE m IS NOT NULL
                        """, null);
                }
            }

            var source = await SummaryAsync(context, toPooled ? ownTable : pooledTable, list, toPooled ? null : tenant);
            var target = await SummaryAsync(context, toPooled ? pooledTable : ownTable, list, toPooled ? tenant : null);
            if (source != target)
            {
                throw new StepFailedException(
                    $"Verification of {table} failed: the source has {source.Rows} row(s) (md5 {source.Checksum}), the target {target.Rows} (md5 {target.Checksum}); nothing was moved and the tenant stays where it was.",
                    retryable: false);
            }

            moved.Add(new MovedTable(table, source.Rows, source.Checksum));
        }

        return moved;
    }

    /// <summary>The move as one line for the timeline: total rows, then each table.</summary>
    public static string Describe(IReadOnlyList<MovedTable> moved) =>
        $"{moved.Sum(m => m.Rows)} row(s) in {moved.Count} table(s), each verified by count and checksum ({string.Join(", ", moved.Select(m => $"{m.Table} {m.Rows}"))})";

    /// <summary>
    /// The pooled tables share one identity sequence per table across tenants: other tenants keep drawing from it while
    /// the copy runs, so it is never set back (setval could hand out their ids again), only drawn forward until it is past
    /// the highest id the copy brought. Usually it already is, and nothing is drawn.
    /// </summary>
    private static async Task AdvanceSharedSequenceAsync(StepContext context, string pooledTable, string column, string tenant)
    {
        await ExecuteAsync(context,
            $"""
            SELECT count(pg_catalog.nextval(s.seq))
            FROM (SELECT pg_catalog.pg_get_serial_sequence({PgIdentifier.Literal(pooledTable)}, {PgIdentifier.Literal(column)})::regclass AS seq) s,
                 LATERAL (SELECT max({PgIdentifier.Quote(column)}) AS m FROM {pooledTable} WHERE tenant_id = $1) t,
                 LATERAL pg_catalog.generate_series(1, greatest(0, t.m - coalesce(pg_catalog.pg_sequence_last_value(s.seq), 0)))
            """, tenant);
    }

    private static async Task<(long Rows, string Checksum)> SummaryAsync(StepContext context, string table, string columns, string? tenant)
    {
        // Row text without tenant_id, sorted, so both tiers give the same text for the same rows whatever their order on disk.
        await using var command = context.Command(
            $"SELECT count(*), coalesce(md5(string_agg(r, '|' ORDER BY r)), '-') FROM (SELECT ROW({columns})::text AS r FROM {table}{(tenant is null ? string.Empty : " WHERE tenant_id = $1")}) s");
        command.CommandTimeout = 0;
        if (tenant is not null)
        {
            command.Parameters.Add(new() { Value = tenant });
        }

        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        await reader.ReadAsync(context.CancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<List<string>> OwnTablesAsync(StepContext context, string schema)
    {
        await using var command = context.Command(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')");
        command.Parameters.Add(new() { Value = schema });
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        while (await reader.ReadAsync(context.CancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<IReadOnlyList<MovedColumn>> ColumnsAsync(StepContext context, string schema, string table)
    {
        // Generated columns compute themselves on the target; tenant_id is the pooled tier's own.
        await using var command = context.Command(
            """
            SELECT a.attname, a.attidentity <> ''
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attname <> 'tenant_id'
            ORDER BY a.attnum
            """);
        command.Parameters.Add(new() { Value = schema });
        command.Parameters.Add(new() { Value = table });
        var columns = new List<MovedColumn>();
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        while (await reader.ReadAsync(context.CancellationToken))
        {
            columns.Add(new MovedColumn(reader.GetString(0), reader.GetBoolean(1)));
        }

        return columns;
    }

    private static async Task ExecuteAsync(StepContext context, string sql, string? tenant)
    {
        await using var command = context.Command(sql);
        command.CommandTimeout = 0;
        if (tenant is not null)
        {
            command.Parameters.Add(new() { Value = tenant });
        }

        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }

    private sealed record MovedColumn(string Name, bool Identity);
}
