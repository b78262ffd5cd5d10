using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.Audit;
using Npgsql;

namespace ControlPlane.Grains.Audit;

/// <summary>The audit log over the registry pool: the control plane's own role is the only writer.</summary>
public sealed class RegistryAuditLog(ControlPlaneDataSources dataSources) : IAuditLog
{
    public async Task AppendAsync(AuditDraft draft, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            "INSERT INTO controlplane.audit_log (actor, action, tenant, target, status, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        command.Parameters.Add(new() { Value = draft.Actor });
        command.Parameters.Add(new() { Value = draft.Action });
        command.Parameters.Add(new() { Value = (object?)draft.Tenant ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)draft.Target ?? DBNull.Value });
        command.Parameters.Add(new() { Value = draft.Status });
        command.Parameters.Add(new() { Value = draft.Outcome });
        command.Parameters.Add(new() { Value = (object?)draft.Detail ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? tenant, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            """
            SELECT id, at, actor, action, tenant, target, status, outcome, detail FROM controlplane.audit_log
            WHERE ($1::text IS NULL OR tenant = $1) AND ($2::bigint IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = limit });
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return entries;
    }
}
