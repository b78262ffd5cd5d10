using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Grains.Backups;

/// <summary>What of a schema a backup holds: its ordinary tables (in foreign-key order) and its sequences.</summary>
public static class BackupTables
{
    /// <summary>
    /// The schema's tables with their stored columns (generated ones are computed again on load), referenced tables
    /// before the tables that reference them, so the data loads without deferring constraints.
    /// </summary>
    public static async Task<IReadOnlyList<BackupTable>> ReadAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, BackupTable>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '')
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE n.nspname = $1 AND c.relkind = 'r'
             GROUP BY c.relname
            """, connection))
        {
            command.Parameters.Add(new() { Value = schema });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables[reader.GetString(0)] = new BackupTable(reader.GetString(0), reader.GetFieldValue<string[]>(1));
            }
        }

        var references = new List<(string From, string To)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname, r.relname
              FROM pg_catalog.pg_constraint k
              JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
              JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype = 'f' AND n.nspname = $1 AND r.relnamespace = n.oid AND c.oid <> r.oid
            """, connection))
        {
            command.Parameters.Add(new() { Value = schema });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                references.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return Order(tables, references);
    }

    /// <summary>The statements that put the schema's sequences where the snapshot had them (unqualified: the script's search_path).</summary>
    public static async Task<IReadOnlyList<string>> ReadSequencesAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sequencename::text, last_value, start_value FROM pg_catalog.pg_sequences WHERE schemaname = $1 ORDER BY sequencename", connection);
        command.Parameters.Add(new() { Value = schema });
        var statements = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = PgIdentifier.Literal(PgIdentifier.Quote(reader.GetString(0)));
            statements.Add(reader.IsDBNull(1)
                ? $"SELECT pg_catalog.setval({name}, {reader.GetInt64(2)}, false);"
                : $"SELECT pg_catalog.setval({name}, {reader.GetInt64(1)}, true);");
        }

        return statements;
    }

    // Kahn's order, ties by name so the same schema always gives the same file; a cycle's tables follow by name.
    private static List<BackupTable> Order(Dictionary<string, BackupTable> tables, List<(string From, string To)> references)
    {
        var waitingFor = tables.Keys.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (from, to) in references)
        {
            if (waitingFor.TryGetValue(from, out var deps) && tables.ContainsKey(to))
            {
                deps.Add(to);
            }
        }

        var ordered = new List<BackupTable>();
        var ready = new SortedSet<string>(waitingFor.Where(w => w.Value.Count == 0).Select(w => w.Key), StringComparer.Ordinal);
        while (ready.Count > 0)
        {
            var next = ready.Min!;
            ready.Remove(next);
            waitingFor.Remove(next);
            ordered.Add(tables[next]);
            foreach (var (name, deps) in waitingFor)
            {
                if (deps.Remove(next) && deps.Count == 0)
                {
                    ready.Add(name);
                }
            }
        }

        ordered.AddRange(waitingFor.Keys.Order(StringComparer.Ordinal).Select(t => tables[t]));
        return ordered;
    }
}

/// <summary>One table of a backup and the columns its COPY section carries.</summary>
public sealed record BackupTable(string Name, IReadOnlyList<string> Columns);
