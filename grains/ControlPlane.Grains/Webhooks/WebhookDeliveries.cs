using ControlPlane.Grains.Tenants;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Webhooks;

/// <summary>
/// The dispatchers' SQL: claim due deliveries (several silos share them by <c>FOR UPDATE SKIP LOCKED</c>) and record
/// how each attempt ended. A claim pushes <c>next_attempt_at</c> past the request's timeout, so the claim outlives no
/// dead silo: its deliveries come due again and are sent again (at least once, with the same event id).
/// </summary>
public static class WebhookDeliveries
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries, each the oldest pending one of its subject (tenant or
    /// rollout) for its webhook, so a later event never overtakes an earlier one that is still to be delivered.
    /// </summary>
    public static async Task<List<DueDelivery>> ClaimAsync(NpgsqlDataSource dataSource, int limit, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH due AS (
                SELECT d.webhook_id, d.event_id FROM controlplane.webhook_deliveries d
                WHERE d.state = 'Pending' AND d.next_attempt_at <= clock_timestamp()
                  AND NOT EXISTS (
                      SELECT 1 FROM controlplane.webhook_deliveries earlier
                      WHERE earlier.webhook_id = d.webhook_id AND earlier.subject = d.subject
                        AND earlier.state = 'Pending' AND earlier.event_seq < d.event_seq)
                ORDER BY d.next_attempt_at
                LIMIT $1
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE controlplane.webhook_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = clock_timestamp() + $2
            FROM due, controlplane.webhooks w, controlplane.webhook_events e
            WHERE d.webhook_id = due.webhook_id AND d.event_id = due.event_id AND w.id = d.webhook_id AND e.id = d.event_id
            RETURNING d.webhook_id, d.event_id, d.attempts, w.url, w.secret, e.type, e.body
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = claimFor });
        var claimed = new List<DueDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new DueDelivery(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return claimed;
    }

    /// <summary>
    /// Records one attempt: delivered, or due again after the backoff, or given up (Expired) when the next try would
    /// fall after <see cref="WebhookOptions.RetryFor"/> from the event. Only the latest claim moves a failed delivery.
    /// </summary>
    public static async Task RecordAsync(
        NpgsqlDataSource dataSource, DueDelivery delivery, int? statusCode, TimeSpan latency, string? error, WebhookOptions options, CancellationToken cancellationToken)
    {
        var delivered = error is null;
        var backoff = RetryBackoff.Delay(delivery.Attempt, options.RetryBaseDelay, options.RetryMaxDelay, Random.Shared.NextDouble());
        await using var command = dataSource.CreateCommand(
            """
            WITH moved AS (
                UPDATE controlplane.webhook_deliveries d SET
                    state = CASE WHEN $6 THEN 'Delivered' WHEN clock_timestamp() + $7 > d.created_at + $8 THEN 'Expired' ELSE 'Pending' END,
                    delivered_at = CASE WHEN $6 THEN clock_timestamp() END,
                    next_attempt_at = CASE WHEN NOT $6 AND clock_timestamp() + $7 <= d.created_at + $8 THEN clock_timestamp() + $7 END
                WHERE d.webhook_id = $1 AND d.event_id = $2 AND d.state = 'Pending' AND ($6 OR d.attempts = $3)
                RETURNING d.next_attempt_at)
            INSERT INTO controlplane.webhook_attempts (webhook_id, event_id, attempt, status_code, latency_ms, error, next_attempt_at)
            SELECT $1, $2, $3, $4, $5, $9, (SELECT next_attempt_at FROM moved)
            WHERE EXISTS (SELECT 1 FROM controlplane.webhook_deliveries WHERE webhook_id = $1 AND event_id = $2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.WebhookId });
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.Attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)statusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = latency.TotalMilliseconds });
        command.Parameters.Add(new NpgsqlParameter { Value = delivered });
        command.Parameters.Add(new NpgsqlParameter { Value = backoff });
        command.Parameters.Add(new NpgsqlParameter { Value = options.RetryFor });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
