using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Webhooks;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Webhooks;

/// <summary>
/// The outbox's one home: the SQL that records an event, and fans it out to the webhooks subscribed at that moment,
/// inside the statement or transaction of the change it reports (so a crash loses none and invents none). When no
/// webhook subscribes, the statement's <c>EXISTS</c> over the (tiny) webhooks table finds none and writes nothing.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>The event a tenant's transition announces, or null: it reports states reached, not steps within one.</summary>
    public static string? ForTenantTransition(TenantStatus? from, TenantStatus to) => from == to ? null : to switch
    {
        TenantStatus.Active => WebhookEventTypes.TenantActive,
        TenantStatus.Failed => WebhookEventTypes.TenantFailed,
        TenantStatus.Deleted => WebhookEventTypes.TenantDeleted,
        _ => null,
    };

    /// <summary>The outbox insert for a tenant's saved transition, for the saving batch; null when it announces nothing.</summary>
    public static NpgsqlBatchCommand? ForTenant(TenantRow saved, TenantEventDraft transition)
    {
        if (ForTenantTransition(transition.From, transition.To) is not { } type)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(
            "WITH " + Ctes(
                from: "(SELECT $1::text AS type) t",
                subject: "$2::text",
                key: "tenant",
                data: "jsonb_build_object('slug', $3::text, 'state', $4::text, 'version', $5::int, 'attempts', $6::int, 'error', $7::text)",
                order: "1") +
            " SELECT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = type, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = "tenant:" + saved.Slug, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = saved.Slug, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = saved.State.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = saved.MigrationVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = saved.Attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)(saved.State == TenantStatus.Failed ? saved.LastError : null) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    /// <summary>
    /// CTE clauses (to follow <c>WITH ... ,</c>) announcing the events <paramref name="types"/> (a SQL text[] expression
    /// over <paramref name="rollout"/>'s columns) about each row of <paramref name="rollout"/>, a relation with the
    /// columns of <c>controlplane.rollouts</c> as the change left them (an <c>UPDATE ... RETURNING *</c>).
    /// </summary>
    public static string RolloutCtes(string rollout, string types) => Ctes(
        from: $"{rollout} r CROSS JOIN LATERAL unnest({types}) WITH ORDINALITY AS t(type, n)",
        subject: "'rollout:' || r.id",
        key: "rollout",
        data: """
              jsonb_build_object(
                  'id', r.id, 'state', r.state, 'targetVersion', r.target_version,
                  'wave', jsonb_build_object(
                      'index', w.index, 'name', r.waves -> w.index ->> 'name', 'count', jsonb_array_length(r.waves)),
                  'counts', (SELECT jsonb_build_object(
                                 'pending', count(*) FILTER (WHERE rt.status = 'Pending'),
                                 'succeeded', count(*) FILTER (WHERE rt.status = 'Succeeded'),
                                 'failed', count(*) FILTER (WHERE rt.status = 'Failed'),
                                 'skipped', count(*) FILTER (WHERE rt.status = 'Skipped'))
                             FROM controlplane.rollout_tenants rt WHERE rt.rollout_id = r.id))
              """,
        order: "t.n",
        // A wave.completed event is about the wave just finished: the one before current_wave while still Running.
        lateral: "CROSS JOIN LATERAL (SELECT CASE WHEN t.type = 'rollout.wave.completed' AND r.state = 'Running' THEN r.current_wave - 1 ELSE r.current_wave END AS index) w");

    /// <summary>
    /// The announcement of a rollout just recorded (a batch command after its insert): started when it was recorded
    /// Running (or WaitingForWindow: started, outside its windows), started and completed when it had nothing to do; nothing while Scheduled (its start announces it).
    /// </summary>
    public static NpgsqlBatchCommand ForRolloutRecorded(string id)
    {
        var command = new NpgsqlBatchCommand(
            "WITH recorded AS (SELECT * FROM controlplane.rollouts WHERE id = $1), " +
            RolloutCtes(
                "recorded",
                $"""
                 CASE r.state WHEN 'Running' THEN ARRAY['{WebhookEventTypes.RolloutStarted}']
                              WHEN 'WaitingForWindow' THEN ARRAY['{WebhookEventTypes.RolloutStarted}']
                              WHEN 'Completed' THEN ARRAY['{WebhookEventTypes.RolloutStarted}', '{WebhookEventTypes.RolloutCompleted}']
                              ELSE ARRAY[]::text[] END
                 """) +
            " SELECT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return command;
    }

    // The event rows (id, body fixed here: every attempt sends and signs these bytes) and one delivery per webhook
    // subscribed now. The EXISTS sits under the volatile subquery, so a payload is only built for events somebody wants.
    private static string Ctes(string from, string subject, string key, string data, string order, string lateral = "") => $"""
        webhook_event AS (
            INSERT INTO controlplane.webhook_events (id, type, subject, occurred_at, body)
            SELECT x.id, x.type, x.subject, x.at, jsonb_build_object('id', x.id, 'type', x.type, 'occurredAt', x.at, '{key}', x.data)::text
            FROM (SELECT gen_random_uuid() AS id, clock_timestamp() AS at, t.type, {subject} AS subject, {data} AS data, {order} AS n
                  FROM {from} {lateral}
                  WHERE EXISTS (SELECT 1 FROM controlplane.webhooks wh WHERE wh.events && ARRAY[t.type, '{WebhookEventTypes.All}'])) x
            ORDER BY x.n
            RETURNING id, seq, type, subject),
        webhook_delivery AS (
            INSERT INTO controlplane.webhook_deliveries (webhook_id, event_id, event_seq, subject, next_attempt_at)
            SELECT wh.id, e.id, e.seq, e.subject, clock_timestamp()
            FROM webhook_event e JOIN controlplane.webhooks wh ON wh.events && ARRAY[e.type, '{WebhookEventTypes.All}'])
        """;
}
