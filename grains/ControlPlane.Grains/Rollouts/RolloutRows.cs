using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Registry.Contracts.Webhooks;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Rollouts;

/// <summary>SQL over <c>controlplane.rollouts</c> and <c>controlplane.rollout_tenants</c>.</summary>
public static class RolloutRows
{
    public const string Columns =
        "r.id, r.state, r.target_version, r.max_parallel, r.failure_threshold, r.waves, r.current_wave, r.accepted_failures, " +
        "r.reason, r.created_by, r.etag, r.lease_owner, r.lease_token, r.created_at, r.finished_at, r.not_before, " +
        "r.lock_timeout, r.statement_timeout, r.windows";

    /// <summary>The open states as an SQL list: one open rollout at most holds one of them (index <c>rollouts_one_open</c>).</summary>
    public const string OpenStates = "('Scheduled', 'WaitingForWindow', 'Running', 'Paused', 'Halted')";

    // Arbitrary constant: the first key of the advisory locks on rollout ids (the second is the id's hash).
    private const int CreationLockClass = 0x526f6c6c; // "Roll"

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The transaction-level advisory lock a scheduled rollout's creation holds from before it arms the grain's
    /// reminder until its row commits; the reminder's tick takes it too, so it never judges a rollout still being
    /// recorded as gone.
    /// </summary>
    public static string CreationLock(string id) => $"pg_advisory_xact_lock({CreationLockClass}, hashtext({id}))";

    /// <summary>
    /// A start reminder's tick: once no creation of <paramref name="id"/> is in flight, moves the rollout on if its
    /// time has come, in one statement conditional on the state (an operator's cancel or pause, or another silo's
    /// tick, wins or loses it whole). A Scheduled one whose <c>not_before</c> has come by the database's clock becomes
    /// Running, or WaitingForWindow if its windows are all closed at <paramref name="now"/>; a WaitingForWindow one
    /// becomes Running once a window is open. The record comes back for the windows' next opening.
    /// </summary>
    public static async Task<(ScheduledStart Outcome, RolloutRecord? Rollout)> StartIfDueAsync(
        NpgsqlDataSource dataSource, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var wait = new NpgsqlCommand($"SELECT {CreationLock("$1")}", connection))
        {
            wait.Parameters.Add(new NpgsqlParameter { Value = id });
            await wait.ExecuteNonQueryAsync(cancellationToken);
        }

        // Windows never change once recorded, so whether one is open can be judged before the conditional update.
        var rollout = await GetAsync(connection, null, id, forUpdate: false, cancellationToken);
        if (rollout is null)
        {
            return (ScheduledStart.Gone, null);
        }

        var windowOpen = rollout.Windows is null || rollout.Windows.IsOpen(now);
        await using (var start = new NpgsqlCommand(
            $"""
            WITH started AS (
                UPDATE controlplane.rollouts
                SET state = CASE WHEN $2 THEN 'Running' ELSE 'WaitingForWindow' END, etag = etag + 1, updated_at = clock_timestamp()
                WHERE id = $1 AND ((state = 'Scheduled' AND not_before <= clock_timestamp()) OR (state = 'WaitingForWindow' AND $2))
                RETURNING *),
            {WebhookOutbox.RolloutCtes("started", $"CASE WHEN $3 THEN ARRAY['{WebhookEventTypes.RolloutStarted}'] ELSE ARRAY[]::text[] END")}
            SELECT state FROM started
            """,
            connection))
        {
            start.Parameters.Add(new NpgsqlParameter { Value = id });
            start.Parameters.Add(new NpgsqlParameter { Value = windowOpen });

            // Leaving Scheduled is the start, whether into a window or to wait for one; a window opening later is not.
            start.Parameters.Add(new NpgsqlParameter { Value = rollout.State == RolloutState.Scheduled });
            if (await start.ExecuteScalarAsync(cancellationToken) is string moved)
            {
                return (moved == "Running" ? ScheduledStart.Started : ScheduledStart.WaitingForWindow, rollout);
            }
        }

        var state = (await GetAsync(connection, null, id, forUpdate: false, cancellationToken))?.State;
        return (state switch
        {
            RolloutState.Scheduled => ScheduledStart.NotDue,
            RolloutState.WaitingForWindow => ScheduledStart.WaitingForWindow,
            _ => ScheduledStart.Gone,
        }, rollout);
    }

    public static async Task<RolloutRecord?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM controlplane.rollouts r WHERE r.id = $1{(forUpdate ? " FOR UPDATE" : string.Empty)}", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Takes the coordinator's lease when the rollout is Running and its lease is free, ours, or held by a dead silo;
    /// returns the token, or null when another live silo coordinates it (or it is not Running).
    /// </summary>
    public static async Task<long?> TryClaimAsync(NpgsqlDataSource dataSource, string id, string siloId, TimeSpan heartbeatExpiry, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE controlplane.rollouts r SET lease_owner = $2, lease_token = r.lease_token + 1
            WHERE r.id = $1 AND r.state = 'Running'
              AND {LeaseFence.IsLive("$2", "$3")}
              AND {LeaseFence.Claimable("r.lease_owner", "$2", "$3")}
            RETURNING r.lease_token
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeatExpiry });
        return await command.ExecuteScalarAsync(cancellationToken) is long token ? token : null;
    }

    /// <summary>Hands the lease back if this silo still holds it with <paramref name="token"/>.</summary>
    public static async Task ReleaseAsync(NpgsqlDataSource dataSource, string id, string siloId, long token, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE controlplane.rollouts SET lease_owner = NULL WHERE id = $1 AND lease_owner = $2 AND lease_token = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = token });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A fenced change by the coordinator: applies only while the rollout is Running and this silo holds the lease
    /// with <paramref name="token"/>. False means an operator paused or cancelled it, or another silo took over.
    /// </summary>
    public static Task<bool> UpdateAsCoordinatorAsync(
        NpgsqlDataSource dataSource, string id, string siloId, long token, string set, CancellationToken cancellationToken, params object[] values) =>
        UpdateAsCoordinatorAsync(dataSource, id, siloId, token, set, [], cancellationToken, values);

    /// <summary>
    /// As <see cref="UpdateAsCoordinatorAsync(NpgsqlDataSource, string, string, long, string, CancellationToken, object[])"/>,
    /// writing the webhook events <paramref name="announce"/> to the outbox in the same statement when the change applies.
    /// </summary>
    public static async Task<bool> UpdateAsCoordinatorAsync(
        NpgsqlDataSource dataSource, string id, string siloId, long token, string set, IReadOnlyList<string> announce, CancellationToken cancellationToken, params object[] values)
    {
        var announced = announce.Count == 0 ? string.Empty : $", {WebhookOutbox.RolloutCtes("changed", $"${4 + values.Length}::text[]")}";
        await using var command = dataSource.CreateCommand(
            $"""
            WITH changed AS (
                UPDATE controlplane.rollouts SET {set}, etag = etag + 1, updated_at = clock_timestamp()
                WHERE id = $1 AND lease_owner = $2 AND lease_token = $3 AND state = 'Running'
                RETURNING *){announced}
            SELECT count(*) FROM changed
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = token });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        if (announce.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = announce.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return await command.ExecuteScalarAsync(cancellationToken) is 1L;
    }

    /// <summary>Tenants of each wave by status (Running is not stored: the coordinator adds its in-flight tenants).</summary>
    public static async Task<Dictionary<int, RolloutCounts>> CountAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT wave, status, count(*)::int FROM controlplane.rollout_tenants WHERE rollout_id = $1 GROUP BY wave, status", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var counts = new Dictionary<int, RolloutCounts>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var wave = reader.GetInt32(0);
            var current = counts.GetValueOrDefault(wave, new RolloutCounts(0, 0, 0, 0, 0));
            var n = reader.GetInt32(2);
            counts[wave] = reader.GetString(1) switch
            {
                "Pending" => current with { Pending = n },
                "Succeeded" => current with { Succeeded = n },
                "Failed" => current with { Failed = n },
                _ => current with { Skipped = n },
            };
        }

        return counts;
    }

    /// <summary>
    /// The next pending tenants of a wave, skipping those already dispatched. In no particular order (the wave already
    /// is a pseudo-random sample): sorting would read every pending row of a 10,000-tenant wave for each page.
    /// </summary>
    public static async Task<List<string>> NextPendingAsync(NpgsqlDataSource dataSource, string id, int wave, IReadOnlyCollection<string> inFlight, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT slug FROM controlplane.rollout_tenants
            WHERE rollout_id = $1 AND wave = $2 AND status = 'Pending' AND NOT (slug = ANY($3))
            LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = wave });
        command.Parameters.Add(new NpgsqlParameter { Value = inFlight.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var slugs = new List<string>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            slugs.Add(reader.GetString(0));
        }

        return slugs;
    }

    /// <summary>Records finished tenants in one statement (only tenants still pending: a record is never overwritten).</summary>
    public static async Task RecordOutcomesAsync(NpgsqlDataSource dataSource, string id, IReadOnlyList<(string Slug, string Status, string? Error, int LockTries)> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(
            """
            UPDATE controlplane.rollout_tenants rt
            SET status = o.status, error = o.error, attempts = rt.attempts + 1, finished_at = clock_timestamp(),
                lock_tries = GREATEST(rt.lock_tries, o.lock_tries), lock_waiting_since = NULL
            FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS o(slug, status, error, lock_tries)
            WHERE rt.rollout_id = $1 AND rt.slug = o.slug AND rt.status = 'Pending'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Slug).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Status).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Error).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.LockTries).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A tenant's migration gave up on a lock and waits to be tried again (<paramref name="waiting"/>), or its wait is
    /// over; written by the tenant's grain, so the rollout shows the wait while the coordinator's call is still out.
    /// </summary>
    public static async Task NoteLockWaitAsync(NpgsqlDataSource dataSource, string id, string slug, int tries, bool waiting, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE controlplane.rollout_tenants
            SET lock_tries = GREATEST(lock_tries, $3),
                lock_waiting_since = CASE WHEN $4 THEN coalesce(lock_waiting_since, clock_timestamp()) END
            WHERE rollout_id = $1 AND slug = $2 AND status = 'Pending'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        command.Parameters.Add(new NpgsqlParameter { Value = tries });
        command.Parameters.Add(new NpgsqlParameter { Value = waiting });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Tenants waiting for a lock now, and tenants whose migrations took more than one try.</summary>
    public static async Task<(int Waiting, int Retried)> LockWaitsAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE status = 'Pending' AND lock_waiting_since IS NOT NULL)::int,
                   count(*) FILTER (WHERE lock_tries > 1)::int
            FROM controlplane.rollout_tenants WHERE rollout_id = $1
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>Failed tenants (at most <paramref name="limit"/>), by slug.</summary>
    public static async Task<List<(string Slug, int Wave, string? Error, int FromVersion, int LockTries)>> FailuresAsync(NpgsqlConnection connection, string id, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT slug, wave, error, from_version, lock_tries FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND status = 'Failed' ORDER BY slug LIMIT $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var failures = new List<(string, int, string?, int, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            failures.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return failures;
    }

    public static string SerializeWaves(IReadOnlyList<RolloutWaveDefinition> waves) => JsonSerializer.Serialize(waves, Json);

    public static RolloutRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        State = Enum.Parse<RolloutState>(reader.GetString(1)),
        TargetVersion = reader.GetInt32(2),
        MaxParallel = reader.GetInt32(3),
        FailureThreshold = reader.GetDouble(4),
        Waves = JsonSerializer.Deserialize<List<RolloutWaveDefinition>>(reader.GetString(5), Json) ?? [],
        CurrentWave = reader.GetInt32(6),
        AcceptedFailures = reader.GetInt32(7),
        Reason = reader.IsDBNull(8) ? null : reader.GetString(8),
        CreatedBy = reader.IsDBNull(9) ? null : reader.GetString(9),
        Etag = reader.GetInt64(10),
        LeaseOwner = reader.IsDBNull(11) ? null : reader.GetString(11),
        LeaseToken = reader.GetInt64(12),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
        FinishedAt = reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
        NotBefore = reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
        LockTimeout = reader.IsDBNull(16) ? null : reader.GetFieldValue<TimeSpan>(16),
        StatementTimeout = reader.IsDBNull(17) ? null : reader.GetFieldValue<TimeSpan>(17),
        Windows = reader.IsDBNull(18) ? null : ReadWindows(reader.GetString(18)),
    };

    /// <summary>Windows as stored: the fields a caller gave, in the form <see cref="MaintenanceWindow"/> gives them back.</summary>
    public static string? SerializeWindows(IReadOnlyList<MaintenanceWindow>? windows) => windows is null
        ? null
        : JsonSerializer.Serialize(windows.Select(w => new StoredWindow(w.DaysText, w.FromText, w.ToText, w.TimeZone)), Json);

    private static List<MaintenanceWindow> ReadWindows(string json) =>
        [.. (JsonSerializer.Deserialize<List<StoredWindow>>(json, Json) ?? []).Select(w => MaintenanceWindow.Parse(w.Days, w.From, w.To, w.TimeZone))];

    private sealed record StoredWindow(string Days, string From, string To, string TimeZone);
}
