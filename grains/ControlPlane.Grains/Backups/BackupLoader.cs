using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Npgsql;

namespace ControlPlane.Grains.Backups;

/// <summary>
/// Loads a backup script into a schema of its own, section by section (the header's CREATE SCHEMA and search_path
/// are the by-hand route; this one names the target itself), then checks the result against the backup's record.
/// </summary>
public sealed class BackupLoader(ControlPlaneDataSources dataSources)
{
    /// <summary>
    /// Creates <paramref name="schema"/> with the tenant role's grants (the same as provisioning gives, so they follow the
    /// schema when it is renamed), runs the backup's DDL and loads its rows. Returns the rows per table as loaded.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> LoadAsync(Stream file, string schema, string role, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(dataSources.UnpooledConnectionString);
        await connection.OpenAsync(cancellationToken);
        var quotedSchema = PgIdentifier.Quote(schema);
        var quotedRole = PgIdentifier.Quote(role);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA {quotedSchema};
            REVOKE ALL ON SCHEMA {quotedSchema} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {quotedSchema} TO {quotedRole};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {quotedSchema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quotedRole};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {quotedSchema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quotedRole};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {quotedSchema} GRANT EXECUTE ON FUNCTIONS TO {quotedRole};
            SET search_path TO {quotedSchema};
            """, cancellationToken);

        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, 1 << 16);
        var migration = new StringBuilder();
        var inMigration = false;
        var ended = false;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (BackupScript.IsMarker(line))
            {
                if (inMigration)
                {
                    await RunMigrationAsync(connection, migration.ToString(), cancellationToken);
                    migration.Clear();
                }

                inMigration = line.StartsWith(BackupScript.Migration, StringComparison.Ordinal);
                if (line.StartsWith(BackupScript.End, StringComparison.Ordinal))
                {
                    ended = true;
                    break;
                }

                continue;
            }

            if (inMigration)
            {
                migration.Append(line).Append('\n');
            }
            else if (line.StartsWith("COPY ", StringComparison.Ordinal) && line.EndsWith(" FROM stdin;", StringComparison.Ordinal))
            {
                await CopyAsync(connection, line[..^1], reader, cancellationToken);
            }
            else if (line.StartsWith("ALTER TABLE ", StringComparison.Ordinal) || line.StartsWith("SELECT pg_catalog.setval(", StringComparison.Ordinal))
            {
                await ExecuteAsync(connection, line, cancellationToken);
            }
        }

        if (!ended)
        {
            throw new InvalidDataException("The backup file ends before its end marker; it is incomplete.");
        }

        return await CountRowsAsync(connection, schema, cancellationToken);
    }

    /// <summary>The rows of every table of <paramref name="schema"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await BackupTables.ReadAsync(connection, schema, cancellationToken))
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {PgIdentifier.Quote(schema)}.{PgIdentifier.Quote(table.Name)}", connection);
            counts[table.Name] = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return counts;
    }

    /// <summary>Reads the header's JSON (format, version, schema) without reading the rest.</summary>
    public static async Task<JsonElement> ReadHeaderAsync(Stream file, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(file, new UTF8Encoding(false), false, 4096, leaveOpen: true);
        for (var i = 0; i < 5 && await reader.ReadLineAsync(cancellationToken) is { } line; i++)
        {
            if (line.StartsWith(BackupScript.Header, StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[BackupScript.Header.Length..]).RootElement.Clone();
            }
        }

        throw new InvalidDataException("The file has no ControlPlane backup header.");
    }

    private static async Task RunMigrationAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // A migration marked no-transaction (CREATE INDEX CONCURRENTLY) runs statement by statement, as a rollout runs it.
        if (sql.Contains(MigrationCatalog.NoTransactionMarker, StringComparison.Ordinal))
        {
            foreach (var statement in SqlStatementSplitter.Split(sql).Where(s => !string.IsNullOrWhiteSpace(s)))
            {
                await ExecuteAsync(connection, statement, cancellationToken);
            }
        }
        else
        {
            await ExecuteAsync(connection, sql, cancellationToken);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string copy, StreamReader reader, CancellationToken cancellationToken)
    {
        var import = await connection.BeginTextImportAsync(copy, cancellationToken);
        try
        {
            string? row;
            while ((row = await reader.ReadLineAsync(cancellationToken)) is not null && row != BackupScript.EndOfCopy)
            {
                await import.WriteAsync(row);
                await import.WriteAsync('\n');
            }

            if (row is null)
            {
                throw new InvalidDataException($"The backup file ends inside '{copy}'.");
            }
        }
        catch
        {
            ((NpgsqlCopyTextWriter)import).Cancel();
            throw;
        }

        await import.DisposeAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
