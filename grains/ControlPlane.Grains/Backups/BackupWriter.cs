using System.Data;
using System.Text;
using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Npgsql;

namespace ControlPlane.Grains.Backups;

/// <summary>
/// Writes one schema's backup script from a single REPEATABLE READ snapshot: the migration records, every table's
/// rows (COPY TO STDOUT) and the sequences all come from the same transaction, so writes going on meanwhile are either
/// wholly in the backup or wholly not.
/// </summary>
public sealed class BackupWriter(ControlPlaneDataSources dataSources, MigrationCatalog catalog)
{
    /// <summary>
    /// Writes the backup of <paramref name="schema"/> to <paramref name="output"/>. <paramref name="migrations"/> are the
    /// schema's migration records when the registry no longer holds them (the data a restore replaced); null reads
    /// the tenant's records in the snapshot.
    /// </summary>
    public async Task<BackupContent> WriteAsync(
        string backupId, string slug, string schema, string liveSchema, IReadOnlyList<BackupMigration>? migrations, Stream output, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(dataSources.UnpooledConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await Execute(connection, "SET TRANSACTION READ ONLY", cancellationToken);

        var takenAt = await SnapshotTimeAsync(connection, cancellationToken);
        migrations ??= await ReadMigrationsAsync(connection, slug, cancellationToken);
        var version = migrations.Count == 0 ? 0 : migrations[^1].Version;
        var tables = await BackupTables.ReadAsync(connection, schema, cancellationToken);
        var scripts = catalog.Current();

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var header = JsonSerializer.Serialize(new { format = BackupScript.FormatVersion, id = backupId, slug, schema = liveSchema, migrationVersion = version, takenAt, tier = "schema" });
        await writer.WriteLineAsync($"-- ControlPlane backup {backupId} of tenant '{slug}' (schema {liveSchema}) at migration version {version}, snapshot of {takenAt:O}.");
        await writer.WriteLineAsync(BackupScript.Header + header);
        await writer.WriteLineAsync("-- Plain SQL for psql: `psql -v ON_ERROR_STOP=1 -d <database> -f <this file>` recreates the schema below with its");
        await writer.WriteLineAsync("-- tables (the tenant's migrations, verbatim) and data. To restore it under another name, change the next two lines.");
        await writer.WriteLineAsync($"CREATE SCHEMA {PgIdentifier.Quote(liveSchema)};");
        await writer.WriteLineAsync($"SET search_path TO {PgIdentifier.Quote(liveSchema)};");
        foreach (var migration in migrations)
        {
            if (!scripts.ByVersion.TryGetValue(migration.Version, out var script) || script.Checksum != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"The tenant's migration V{migration.Version:0000} ({migration.Name}) is not in the catalogue as it was applied (checksum {migration.Checksum}); a backup records the DDL from the catalogue, so it cannot be written.");
            }

            await writer.WriteLineAsync();
            await writer.WriteLineAsync($"{BackupScript.Migration}{migration.Version} {migration.Name}");
            await writer.WriteLineAsync(script.Sql.ReplaceLineEndings("\n").TrimEnd('\n'));
        }

        var rows = new Dictionary<string, long>();
        var buffer = new char[1 << 15];
        foreach (var table in tables)
        {
            var quoted = PgIdentifier.Quote(table.Name);
            var columns = string.Join(", ", table.Columns.Select(PgIdentifier.Quote));
            await writer.WriteLineAsync();
            await writer.WriteLineAsync($"{BackupScript.Data}{table.Name}");
            await writer.WriteLineAsync($"ALTER TABLE {quoted} DISABLE TRIGGER USER;");
            await writer.WriteLineAsync($"COPY {quoted} ({columns}) FROM stdin;");
            long count = 0;
            using (var export = await connection.BeginTextExportAsync($"COPY {PgIdentifier.Quote(schema)}.{quoted} ({columns}) TO STDOUT", cancellationToken))
            {
                int read;
                while ((read = await export.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    count += buffer.AsSpan(0, read).Count('\n');
                    await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            rows[table.Name] = count;
            await writer.WriteLineAsync(BackupScript.EndOfCopy);
            await writer.WriteLineAsync($"ALTER TABLE {quoted} ENABLE TRIGGER USER;");
        }

        await writer.WriteLineAsync();
        await writer.WriteLineAsync(BackupScript.Sequences);
        foreach (var sequence in await BackupTables.ReadSequencesAsync(connection, schema, cancellationToken))
        {
            await writer.WriteLineAsync(sequence);
        }

        await writer.WriteLineAsync(BackupScript.End + JsonSerializer.Serialize(rows));
        await writer.FlushAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BackupContent(version, migrations, rows, takenAt);
    }

    private static async Task<IReadOnlyList<BackupMigration>> ReadMigrationsAsync(NpgsqlConnection connection, string slug, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version, name, checksum, status FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", connection);
        command.Parameters.Add(new() { Value = slug });
        var migrations = new List<BackupMigration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(3) != "Applied")
            {
                throw new InvalidOperationException($"Migration V{reader.GetInt32(0):0000} of tenant '{slug}' is {reader.GetString(3)}, not Applied; back it up once it is repaired.");
            }

            migrations.Add(new BackupMigration(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return migrations;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<DateTimeOffset> SnapshotTimeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_catalog.now()", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }
}
