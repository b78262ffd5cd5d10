using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>One column as the catalogue describes it; <see cref="Default"/> is null for identity columns.</summary>
public sealed record ColumnShape(string Name, string Type, bool NotNull, string? Default, string Identity, string Generated, int Position);

/// <summary>A constraint or an index of a table, by name, with its definition as PostgreSQL prints it.</summary>
public sealed record NamedDefinition(string Table, string Name, string Definition);

/// <summary>A table and its columns, in column order.</summary>
public sealed record TableShape(string Name, IReadOnlyList<ColumnShape> Columns)
{
    public ColumnShape? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);
}

/// <summary>
/// The structure of one schema read from pg_catalog: its tables, columns, constraints and indexes, with the schema's
/// own name taken out of every definition so that two schemas compare by shape, not by name. The one home of "does this
/// schema look like the model" for clones, imports and adoptions (<see cref="StructureComparison"/>).
/// </summary>
public sealed record SchemaStructure(
    string Schema,
    IReadOnlyList<TableShape> Tables,
    IReadOnlyList<NamedDefinition> Constraints,
    IReadOnlyList<NamedDefinition> Indexes,
    IReadOnlyList<(string Table, string References)> ForeignKeys)
{
    public TableShape? Table(string name) => Tables.FirstOrDefault(t => t.Name == name);

    /// <summary>True when the schema exists (read inside <paramref name="transaction"/>).</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", connection, transaction);
        command.Parameters.Add(new() { Value = schema });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Reads <paramref name="schema"/>. Sets the transaction's search path to the schema while it reads (so types,
    /// defaults and foreign keys print without it) and back to <c>pg_catalog</c> afterwards.
    /// </summary>
    public static async Task<SchemaStructure> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, $"SET LOCAL search_path TO {PgIdentifier.Quote(schema)}", cancellationToken);
        {
            var columns = new List<(string Table, ColumnShape Column)>();
            await using (var command = new NpgsqlCommand(
                """
                SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, a.attnum
                FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
                WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
                ORDER BY c.relname, a.attnum
                """, connection, transaction))
            {
                command.Parameters.Add(new() { Value = schema });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    columns.Add((reader.GetString(0), new ColumnShape(
                        reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                        reader.IsDBNull(4) ? null : Unqualify(reader.GetString(4), schema),
                        reader.GetString(5), reader.GetString(6), reader.GetInt16(7))));
                }
            }

            var constraints = await ReadDefinitionsAsync(connection, transaction, schema,
                """
                SELECT c.relname, con.conname, con.contype::text || ' ' || pg_catalog.pg_get_constraintdef(con.oid)
                FROM pg_catalog.pg_constraint con
                JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1
                ORDER BY 1, 2
                """, cancellationToken);
            var indexes = await ReadDefinitionsAsync(connection, transaction, schema,
                """
                SELECT t.relname, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid)
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = $1
                ORDER BY 1, 2
                """, cancellationToken);
            var foreignKeys = new List<(string, string)>();
            await using (var command = new NpgsqlCommand(
                """
                SELECT c.relname, r.relname
                FROM pg_catalog.pg_constraint con
                JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
                JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND con.contype = 'f' AND r.relnamespace = c.relnamespace
                """, connection, transaction))
            {
                command.Parameters.Add(new() { Value = schema });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    foreignKeys.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            var tables = columns.GroupBy(c => c.Table, StringComparer.Ordinal)
                .Select(g => new TableShape(g.Key, [.. g.Select(c => c.Column)]))
                .ToList();
            // Back to the session's path for the caller's next statements (after an error the transaction is over anyway).
            await ExecuteAsync(connection, transaction, "SET LOCAL search_path TO pg_catalog", cancellationToken);
            return new SchemaStructure(schema, tables, constraints, indexes, foreignKeys);
        }
    }

    /// <summary>
    /// The tables in an order that inserts parents before the tables referencing them (self-references are checked at
    /// the end of their own statement, so they do not matter).
    /// </summary>
    public IReadOnlyList<TableShape> InsertOrder()
    {
        var ordered = new List<TableShape>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var pending = Tables.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(t => ForeignKeys.Where(f => f.Table == t.Name && f.References != t.Name).All(f => placed.Contains(f.References)))
                ?? pending[0]; // a cycle of foreign keys: nothing orders it; the copy then fails and says which key
            ordered.Add(ready);
            placed.Add(ready.Name);
            pending.Remove(ready);
        }

        return ordered;
    }

    private static async Task<List<NamedDefinition>> ReadDefinitionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string sql, CancellationToken cancellationToken)
    {
        var list = new List<NamedDefinition>();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new() { Value = schema });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new NamedDefinition(reader.GetString(0), reader.GetString(1), Unqualify(reader.GetString(2), schema)));
        }

        return list;
    }

    // pg_get_indexdef always names the table's schema; everything else prints it only when it is off the search path.
    private static string Unqualify(string definition, string schema) =>
        System.Text.RegularExpressions.Regex.Replace(
            definition.Replace(PgIdentifier.Quote(schema) + ".", string.Empty, StringComparison.Ordinal),
            $@"(?<![A-Za-z0-9_$""]){System.Text.RegularExpressions.Regex.Escape(schema)}\.",
            string.Empty);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
