using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.Webhooks;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Webhooks;

/// <summary>Webhook subscriptions in <c>controlplane.webhooks</c> and their attempts, over the registry pool.</summary>
public sealed class WebhookRegistry(ControlPlaneDataSources dataSources) : IWebhookRegistry
{
    private const string Columns =
        "w.id, w.url, w.events, w.secret, w.created_at, w.created_by, " +
        "(SELECT count(*)::int FROM controlplane.webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'Pending')";

    public async Task<WebhookRecord> CreateAsync(WebhookDraft draft, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            WITH w AS (
                INSERT INTO controlplane.webhooks (id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *)
            SELECT {Columns} FROM w
            """);
        command.Parameters.Add(new() { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new() { Value = draft.Url.AbsoluteUri });
        command.Parameters.Add(new() { Value = draft.Events.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = draft.Secret });
        command.Parameters.Add(new() { Value = (object?)draft.CreatedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (await ReadAsync(command, cancellationToken)).Single();
    }

    public async Task<IReadOnlyList<WebhookRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand($"SELECT {Columns} FROM controlplane.webhooks w ORDER BY w.created_at, w.id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<WebhookRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand($"SELECT {Columns} FROM controlplane.webhooks w WHERE w.id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand("DELETE FROM controlplane.webhooks WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(Guid id, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            """
            SELECT a.id, a.event_id, e.type, a.attempt, a.status_code, a.latency_ms, a.error, a.next_attempt_at,
                   CASE WHEN a.error IS NULL THEN a.at END, a.at
            FROM controlplane.webhook_attempts a JOIN controlplane.webhook_events e ON e.id = a.event_id
            WHERE a.webhook_id = $1 AND ($2::bigint IS NULL OR a.id < $2)
            ORDER BY a.id DESC
            LIMIT $3
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)beforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = limit });
        var attempts = new List<WebhookAttempt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new WebhookAttempt(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return attempts;
    }

    private static async Task<List<WebhookRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var hooks = new List<WebhookRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hooks.Add(new WebhookRecord(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetFieldValue<string[]>(2),
                WebhookSignature.Hint(reader.GetString(3)),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6)));
        }

        return hooks;
    }
}
