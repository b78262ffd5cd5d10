using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Backups;

/// <summary>SQL over <c>controlplane.tenant_backups</c>.</summary>
public static class BackupRows
{
    private const string Columns =
        "id, slug, kind, tier, state, migration_version, requested_at, taken_at, size_bytes, sha256, error, table_rows, file_name, migrations";

    /// <summary>Records a backup as Running before anything is written, so an interrupted one is found and cleared.</summary>
    public static async Task<TenantBackup> InsertRunningAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string slug, BackupKind kind, string siloId, CancellationToken cancellationToken)
    {
        var id = NewId();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO controlplane.tenant_backups (id, slug, kind, file_name, silo_id) VALUES ($1, $2, $3, $4, $5) RETURNING {Columns}", connection, transaction);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = slug });
        command.Parameters.Add(new() { Value = kind.ToString() });
        command.Parameters.Add(new() { Value = BackupStore.FileNameOf(slug, id) });
        command.Parameters.Add(new() { Value = siloId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader).Backup;
    }

    public static async Task<TenantBackup> InsertRunningAsync(NpgsqlDataSource registry, string slug, BackupKind kind, string siloId, CancellationToken cancellationToken)
    {
        await using var connection = await registry.OpenConnectionAsync(cancellationToken);
        return await InsertRunningAsync(connection, null, slug, kind, siloId, cancellationToken);
    }

    /// <summary>Puts a backup back to Running (a restore interrupted after its swap writes its replaced data's backup again).</summary>
    public static async Task RestartAsync(NpgsqlDataSource registry, string id, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("UPDATE controlplane.tenant_backups SET state = 'Running', error = NULL WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Marks a backup Completed with what its snapshot held; only a Running one (a cleared one stays Failed). With
    /// <paramref name="keepScheduled"/>, the same statement deletes the tenant's older completed scheduled backups beyond
    /// that many (this one counts), so no reader ever sees more than the retention count; their files are the caller's
    /// to delete. Returns whether it completed, and the (id, file name) of each pruned backup.
    /// </summary>
    public static async Task<(bool Completed, IReadOnlyList<(string Id, string FileName)> Pruned)> CompleteAsync(
        NpgsqlDataSource registry, string id, BackupContent content, long size, string sha256, CancellationToken cancellationToken, int? keepScheduled = null)
    {
        await using var command = registry.CreateCommand(
            """
            WITH done AS (
                UPDATE controlplane.tenant_backups
                   SET state = 'Completed', migration_version = $2, migrations = $3, table_rows = $4, size_bytes = $5, sha256 = $6, taken_at = $7
                 WHERE id = $1 AND state = 'Running'
                RETURNING slug),
            pruned AS (
                DELETE FROM controlplane.tenant_backups b
                 WHERE $8::int IS NOT NULL AND b.id IN (
                       SELECT o.id FROM controlplane.tenant_backups o
                        WHERE o.slug = (SELECT slug FROM done) AND o.id <> $1 AND o.kind = 'Scheduled' AND o.state = 'Completed'
                        ORDER BY o.requested_at DESC, o.id DESC
                       OFFSET greatest($8::int - 1, 0))
                RETURNING b.id, b.file_name)
            SELECT (SELECT count(*) FROM done), p.id, p.file_name FROM (SELECT 1) one LEFT JOIN pruned p ON true
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = content.MigrationVersion });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(content.Migrations), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(content.TableRows), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = size });
        command.Parameters.Add(new() { Value = sha256 });
        command.Parameters.Add(new() { Value = content.TakenAt });
        command.Parameters.Add(new() { Value = (object?)keepScheduled ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        var completed = false;
        var pruned = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            completed = reader.GetInt64(0) == 1;
            if (!reader.IsDBNull(1))
            {
                pruned.Add((reader.GetString(1), reader.IsDBNull(2) ? string.Empty : reader.GetString(2)));
            }
        }

        return (completed, pruned);
    }

    public static async Task FailAsync(NpgsqlDataSource registry, string id, string error, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            "UPDATE controlplane.tenant_backups SET state = 'Failed', error = $2 WHERE id = $1 AND state = 'Running'");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = error.Length <= 2000 ? error : error[..2000] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The tenant's backups, newest first.</summary>
    public static async Task<IReadOnlyList<StoredBackup>> ListAsync(NpgsqlDataSource registry, string slug, CancellationToken cancellationToken, BackupState? state = null)
    {
        await using var command = registry.CreateCommand(
            $"SELECT {Columns} FROM controlplane.tenant_backups WHERE slug = $1 AND ($2::text IS NULL OR state = $2) ORDER BY requested_at DESC, id DESC");
        command.Parameters.Add(new() { Value = slug });
        command.Parameters.Add(new() { Value = (object?)state?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var backups = new List<StoredBackup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            backups.Add(Read(reader));
        }

        return backups;
    }

    /// <summary>
    /// Whether a silo left anything of this tenant's backups or restores mid-way (a backup Running, a restore Staging or
    /// Swapped): one round trip that a tenant grain's first call makes, so the common answer (nothing) costs one query.
    /// </summary>
    public static async Task<bool> AnyLeftMidwayAsync(NpgsqlDataSource registry, string slug, CancellationToken cancellationToken)
    {
        await using var batch = registry.CreateBatch();
        batch.BatchCommands.Add(LeftMidway(slug));
        return (bool)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The query of <see cref="AnyLeftMidwayAsync"/>.</summary>
    public static NpgsqlBatchCommand LeftMidway(string slug) => new($"SELECT {LeftMidwayCondition("$1")}")
    {
        Parameters = { new() { Value = slug } },
    };

    /// <summary>The condition of <see cref="LeftMidway"/> for the tenant in <paramref name="slugParameter"/>, for a query that asks it as a column (the drive's first row lock, TenantLock).</summary>
    public static string LeftMidwayCondition(string slugParameter) =>
        $"""
        (EXISTS (SELECT 1 FROM controlplane.tenant_restores WHERE slug = {slugParameter} AND {RestoreRows.Unfinished})
            OR EXISTS (SELECT 1 FROM controlplane.tenant_backups WHERE slug = {slugParameter} AND state = '{BackupState.Running}'))
        """;

    public static async Task<StoredBackup?> GetAsync(NpgsqlDataSource registry, string slug, string id, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand($"SELECT {Columns} FROM controlplane.tenant_backups WHERE slug = $1 AND id = $2");
        command.Parameters.Add(new() { Value = slug });
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Removes a backup's row (its file first, by the caller); the timeline keeps that it existed.</summary>
    public static async Task DeleteAsync(NpgsqlDataSource registry, string id, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand("DELETE FROM controlplane.tenant_backups WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string NewId() => "bk_" + Guid.CreateVersion7().ToString("N");

    private static StoredBackup Read(NpgsqlDataReader reader)
    {
        var backup = new TenantBackup
        {
            Id = reader.GetString(0),
            Slug = reader.GetString(1),
            Kind = Enum.Parse<BackupKind>(reader.GetString(2)),
            Tier = reader.GetString(3),
            State = Enum.Parse<BackupState>(reader.GetString(4)),
            MigrationVersion = reader.IsDBNull(5) ? null : reader.GetInt32(5),
            RequestedAt = reader.GetFieldValue<DateTimeOffset>(6),
            TakenAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            SizeBytes = reader.IsDBNull(8) ? null : reader.GetInt64(8),
            Sha256 = reader.IsDBNull(9) ? null : reader.GetString(9),
            Error = reader.IsDBNull(10) ? null : reader.GetString(10),
            TableRows = reader.IsDBNull(11) ? new Dictionary<string, long>() : JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(11))!,
        };
        var migrations = reader.IsDBNull(13) ? [] : JsonSerializer.Deserialize<List<BackupMigration>>(reader.GetString(13))!;
        return new StoredBackup(backup, reader.IsDBNull(12) ? BackupStore.FileNameOf(backup.Slug, backup.Id) : reader.GetString(12), migrations);
    }
}

/// <summary>A backup's row with what only the silo needs: its file and the migration records a restore puts back.</summary>
public sealed record StoredBackup(TenantBackup Backup, string FileName, IReadOnlyList<BackupMigration> Migrations);

/// <summary>One of the tenant's migration records at the snapshot.</summary>
public sealed record BackupMigration(int Version, string Name, string Checksum);

/// <summary>What a backup's snapshot held.</summary>
public sealed record BackupContent(int MigrationVersion, IReadOnlyList<BackupMigration> Migrations, IReadOnlyDictionary<string, long> TableRows, DateTimeOffset TakenAt);
