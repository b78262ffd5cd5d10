using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Backups;

/// <summary>SQL over <c>controlplane.tenant_restores</c>: a restore's phase is what recovery after a crash goes by.</summary>
public static class RestoreRows
{
    public static async Task<string> InsertAsync(
        NpgsqlDataSource registry, string slug, string backupId, IReadOnlyList<BackupMigration> replacedMigrations, CancellationToken cancellationToken)
    {
        var id = "rs_" + Guid.CreateVersion7().ToString("N");
        await using var command = registry.CreateCommand(
            """
            INSERT INTO controlplane.tenant_restores (id, slug, backup_id, staging_schema, replaced_schema, replaced_migrations)
            VALUES ($1, $2, $3, $4, $5, $6)
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = slug });
        command.Parameters.Add(new() { Value = backupId });
        command.Parameters.Add(new() { Value = StagingSchemaOf(id) });
        command.Parameters.Add(new() { Value = ReplacedSchemaOf(id) });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(replacedMigrations), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>The schema a restore loads into: named by the restore (not the slug) so it fits PostgreSQL's 63 bytes.</summary>
    public static string StagingSchemaOf(string restoreId) => "cp_restore_" + restoreId[^16..];

    /// <summary>The name the live schema takes at the swap, until its data is backed up and it is dropped.</summary>
    public static string ReplacedSchemaOf(string restoreId) => "cp_replaced_" + restoreId[^16..];

    public static NpgsqlCommand Swapped(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string replacedBackupId)
    {
        var command = new NpgsqlCommand("UPDATE controlplane.tenant_restores SET phase = 'Swapped', replaced_backup_id = $2 WHERE id = $1", connection, transaction);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = replacedBackupId });
        return command;
    }

    public static async Task EndAsync(NpgsqlDataSource registry, string id, bool completed, string? error, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            "UPDATE controlplane.tenant_restores SET phase = $2, error = $3, ended_at = clock_timestamp() WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = completed ? "Completed" : "Failed" });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A restore a silo left mid-way, as a condition on <c>controlplane.tenant_restores</c>.</summary>
    public const string Unfinished = "phase IN ('Staging', 'Swapped')";

    /// <summary>The tenant's restores a silo left mid-way (Staging or Swapped).</summary>
    public static async Task<IReadOnlyList<UnfinishedRestore>> UnfinishedAsync(NpgsqlDataSource registry, string slug, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            $"""
            SELECT id, backup_id, phase, staging_schema, replaced_schema, replaced_backup_id, replaced_migrations
              FROM controlplane.tenant_restores WHERE slug = $1 AND {Unfinished} ORDER BY started_at
            """);
        command.Parameters.Add(new() { Value = slug });
        var restores = new List<UnfinishedRestore>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            restores.Add(new UnfinishedRestore(
                reader.GetString(0), reader.GetString(1), reader.GetString(2) == "Swapped", reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), JsonSerializer.Deserialize<List<BackupMigration>>(reader.GetString(6))!));
        }

        return restores;
    }
}

/// <summary>A restore a silo left mid-way.</summary>
public sealed record UnfinishedRestore(
    string Id, string BackupId, bool Swapped, string StagingSchema, string ReplacedSchema, string? ReplacedBackupId, IReadOnlyList<BackupMigration> ReplacedMigrations);
