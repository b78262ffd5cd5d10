using ControlPlane.Grains.Tenants;
using System.Text.Json;
using ControlPlane.Grains.Webhooks;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>SQL over <c>controlplane.tenants</c> and its timeline. Every write bumps the row's etag.</summary>
public static class TenantRows
{
    /// <summary>The column list every query reads, in <see cref="Read"/>'s order.</summary>
    public const string Columns =
        "t.slug, t.display_name, t.schema_name, t.role_name, t.state, t.failed_step, t.last_error, t.attempts, " +
        "t.migration_version, t.etag, t.lease_owner, t.lease_token, t.next_attempt_at, t.created_at, t.updated_at, t.labels, " +
        "t.copy_kind, t.copy_source, t.purge_at, t.tier, t.pooled_schema, t.move_to, t.move_phase, t.move_started_at";

    /// <summary>Number of columns in <see cref="Columns"/>; extra columns of a query start here.</summary>
    public const int ColumnCount = 24;

    /// <summary>Registers a tenant in <see cref="TenantStateMachine.Initial"/> with work due now, or returns the existing row.</summary>
    public static async Task<(TenantRow Row, bool Created)> InsertOrGetAsync(
        NpgsqlDataSource dataSource, TenantSlug slug, string displayName, string siloId, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? labels = null, Tenants.Copies.TenantCopySource? copyFrom = null, string? pooledSchema = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection) { BatchCommands = { Registration(slug, displayName, siloId, labels, copyFrom, pooledSchema) } })
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                return (Read(reader), true);
            }
        }

        // ON CONFLICT waited for any concurrent insert to commit, so the row is visible to this new statement.
        var existing = await GetAsync(connection, null, slug.Value, cancellationToken)
            ?? throw new InvalidOperationException($"Tenant '{slug}' conflicted on insert but cannot be read.");
        return (existing, false);
    }

    /// <summary>
    /// The registration: the row in <see cref="TenantStateMachine.Initial"/> with work due now, its first timeline entry
    /// and the change notification. It returns the new row (<see cref="Columns"/>), or no row when the slug exists; with
    /// <paramref name="failWhenExists"/>, an existing slug is a unique violation instead, which ends the batch it is in
    /// (the statements a <see cref="Tenants.Steps.UnitPrelude"/> sends after it never run).
    /// </summary>
    public static NpgsqlBatchCommand Registration(
        TenantSlug slug, string displayName, string siloId,
        IReadOnlyDictionary<string, string>? labels = null, Tenants.Copies.TenantCopySource? copyFrom = null, string? pooledSchema = null,
        bool failWhenExists = false) => new(
            $"""
            WITH t AS (
                INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, next_attempt_at, labels, copy_kind, copy_source, tier, pooled_schema)
                VALUES (@slug, @display_name, @schema_name, @role_name, @state, clock_timestamp(), @labels, @copy_kind, @copy_source, @tier, @pooled_schema)
                {(failWhenExists ? string.Empty : "ON CONFLICT (slug) DO NOTHING")}
                RETURNING *),
            e AS (
                INSERT INTO controlplane.tenant_events (slug, from_state, to_state, detail, silo_id)
                SELECT slug, NULL, state, 'onboarding requested' || coalesce(@origin, ''), @silo FROM t),
            n AS (
                SELECT pg_catalog.pg_notify('{TenantChangeFeed.Channel}', slug) FROM t)
            SELECT {Columns} FROM t, (SELECT count(*) FROM n) notified
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("slug", slug.Value),
                new NpgsqlParameter("display_name", displayName),
                new NpgsqlParameter("schema_name", slug.SchemaName),
                new NpgsqlParameter("role_name", slug.RoleName),
                new NpgsqlParameter("state", TenantStateMachine.Initial.ToString()),
                new NpgsqlParameter("silo", siloId),
                new NpgsqlParameter("labels", NpgsqlDbType.Jsonb) { Value = SerializeLabels(labels ?? TenantLabels.None) },
                new NpgsqlParameter("copy_kind", NpgsqlDbType.Text) { Value = (object?)copyFrom?.KindText ?? DBNull.Value },
                new NpgsqlParameter("copy_source", NpgsqlDbType.Text) { Value = (object?)copyFrom?.Name ?? DBNull.Value },
                new NpgsqlParameter("tier", (pooledSchema is null ? TenantTier.Schema : TenantTier.Pooled).ToText()),
                new NpgsqlParameter("pooled_schema", NpgsqlDbType.Text) { Value = (object?)pooledSchema ?? DBNull.Value },
                new NpgsqlParameter("origin", NpgsqlDbType.Text) { Value = copyFrom is null ? DBNull.Value : $" (data to be copied from {copyFrom})" },
            },
        };

    /// <summary>Reads one tenant row, or null.</summary>
    public static async Task<TenantRow?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string slug, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM controlplane.tenants t WHERE t.slug = @slug", connection, transaction);
        command.Parameters.AddWithValue("slug", slug);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Writes <paramref name="row"/> over the locked row (the caller holds it FOR UPDATE in
    /// <paramref name="transaction"/>) and appends the events, in one round trip. Returns the row with its new etag.
    /// </summary>
    public static async Task<TenantRow> SaveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        TenantRow row,
        string siloId,
        CancellationToken cancellationToken,
        params TenantEventDraft[] events) => await SaveAsync(connection, transaction, row, siloId, [], cancellationToken, events);

    /// <summary>As <see cref="SaveAsync(NpgsqlConnection, NpgsqlTransaction, TenantRow, string, CancellationToken, TenantEventDraft[])"/>, with more commands sent in the same round trip.</summary>
    public static Task<TenantRow> SaveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        TenantRow row,
        string siloId,
        IReadOnlyList<NpgsqlBatchCommand> alsoRun,
        CancellationToken cancellationToken,
        params TenantEventDraft[] events) =>
        SaveBatchAsync(connection, transaction, row, siloId, events, alsoRun, commit: false, cancellationToken);

    /// <summary>
    /// Saves the row with the step's deferred statements, more commands and timeline entries, and commits, in one
    /// round trip (a separate commit would be one more round trip for every unit of every tenant).
    /// </summary>
    public static Task<TenantRow> SaveAndCommitAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        TenantRow row,
        string siloId,
        IReadOnlyList<NpgsqlBatchCommand> deferred,
        IReadOnlyList<NpgsqlBatchCommand> alsoRun,
        IReadOnlyList<TenantEventDraft> events,
        CancellationToken cancellationToken) =>
        SaveBatchAsync(connection, transaction, row, siloId, events, [.. deferred, .. alsoRun], commit: true, cancellationToken);

    /// <summary>
    /// The saves of a migration group (Tenants/Groups) and the commit, in one round trip: every tenant's row, timeline
    /// entries and notification in one statement (<see cref="SaveMany"/>), then each tenant's deferred statements (its
    /// DDL on its own path), then every tenant's version record in one statement, then one COMMIT for all. Returns the rows in <paramref name="saves"/>' order.
    /// </summary>
    public static async Task<TenantRow[]> SaveGroupAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TenantSave> saves, string siloId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(SaveMany(saves, siloId));
        foreach (var save in saves)
        {
            foreach (var e in save.Events)
            {
                AnnounceTo(batch, save.Row, e);
            }
        }

        foreach (var command in saves.SelectMany(s => s.After))
        {
            batch.BatchCommands.Add(command);
        }

        if (saves.Select(s => s.VersionRecord).OfType<Migrations.TimedVersionRecord>().ToList() is { Count: > 0 } records)
        {
            batch.BatchCommands.Add(Migrations.AppliedMigrations.UpsertTimedMany(records));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var saved = new Dictionary<string, (long Etag, DateTimeOffset UpdatedAt)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            saved[reader.GetString(0)] = (reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        var results = new TenantRow[saves.Count];
        for (var i = 0; i < saves.Count; i++)
        {
            var row = saves[i].Row;
            if (!saved.TryGetValue(row.Slug, out var written))
            {
                // Unreachable while the group holds the row lock; if it happens, the fence has been broken.
                throw new TenantFencedOutException(row.Slug, $"the registry row changed under a held lock (expected etag {row.Etag})");
            }

            results[i] = row with { Etag = written.Etag, UpdatedAt = written.UpdatedAt };
        }

        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return results;
    }

    /// <summary>
    /// The row's save and its other commands (<paramref name="after"/>) in one round trip, with the COMMIT when
    /// <paramref name="commit"/>. Registry statements come first, on the session's search path (where their prepared
    /// plans were made); deferred statements set and restore the tenant's path themselves. An error anywhere aborts the
    /// whole transaction (PostgreSQL skips the rest of the batch).
    /// </summary>
    private static async Task<TenantRow> SaveBatchAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        TenantRow row,
        string siloId,
        IReadOnlyList<TenantEventDraft> events,
        IReadOnlyList<NpgsqlBatchCommand> after,
        bool commit,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Save(row, events, siloId));
        foreach (var e in events)
        {
            AnnounceTo(batch, row, e);
        }

        foreach (var command in after)
        {
            batch.BatchCommands.Add(command);
        }

        if (commit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Unreachable while the caller holds the row lock; if it happens, the fence has been broken: write nothing.
            throw new TenantFencedOutException(row.Slug, $"the registry row changed under a held lock (expected etag {row.Etag})");
        }

        var result = row with { Etag = reader.GetInt64(0), UpdatedAt = reader.GetFieldValue<DateTimeOffset>(1) };

        // Drain the rest, so that an error in a later statement (or the commit) surfaces here, not on dispose.
        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return result;
    }

    /// <summary>
    /// <see cref="Save"/> for several rows in one statement, for a migration group: the same columns, the same etag
    /// fence per row, each row's timeline entries (in their order) and its notification. A statement costs the server
    /// its bind, its executor's start (opening and locking the table's ten indexes) and its end whatever its rows; a
    /// group pays that once.
    /// </summary>
    private static NpgsqlBatchCommand SaveMany(IReadOnlyList<TenantSave> saves, string siloId)
    {
        var command = new NpgsqlBatchCommand(
            $"""
            WITH saved AS (
                UPDATE controlplane.tenants t SET
                    state = i.state, failed_step = i.failed_step, last_error = i.last_error, attempts = i.attempts,
                    migration_version = i.migration_version, lease_owner = i.lease_owner, lease_token = i.lease_token,
                    next_attempt_at = i.next_attempt_at, purge_at = i.purge_at, tier = i.tier, pooled_schema = i.pooled_schema,
                    move_to = i.move_to, move_phase = i.move_phase, move_started_at = i.move_started_at,
                    etag = t.etag + 1, updated_at = clock_timestamp(),
                    activated_at = coalesce(t.activated_at, CASE WHEN i.state = 'Active' THEN clock_timestamp() END)
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::bigint[],
                            $9::timestamptz[], $10::bigint[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[])
                    AS i(slug, state, failed_step, last_error, attempts, migration_version, lease_owner, lease_token,
                         next_attempt_at, etag, purge_at, tier, pooled_schema, move_to, move_phase, move_started_at)
                WHERE t.slug = i.slug AND t.etag = i.etag
                RETURNING t.slug, t.etag, t.updated_at),
            logged AS (
                INSERT INTO controlplane.tenant_events (slug, from_state, to_state, step, detail, attempt, silo_id)
                SELECT e.slug, e.from_state, e.to_state, e.step, e.detail, e.attempt, $23
                FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::int[]) WITH ORDINALITY AS e(slug, from_state, to_state, step, detail, attempt, n)
                WHERE e.slug IN (SELECT slug FROM saved)
                ORDER BY e.n)
            SELECT saved.slug, saved.etag, saved.updated_at, pg_catalog.pg_notify('{TenantChangeFeed.Channel}', saved.slug) FROM saved
            """);
        var rows = saves.Select(s => s.Row).ToArray();
        Add(NpgsqlDbType.Text, rows.Select(r => r.Slug));
        Add(NpgsqlDbType.Text, rows.Select(r => r.State.ToString()));
        Add(NpgsqlDbType.Text, rows.Select(r => r.FailedStep?.ToString()));
        Add(NpgsqlDbType.Text, rows.Select(r => r.LastError));
        Add(NpgsqlDbType.Integer, rows.Select(r => r.Attempts));
        Add(NpgsqlDbType.Integer, rows.Select(r => r.MigrationVersion));
        Add(NpgsqlDbType.Text, rows.Select(r => r.LeaseOwner));
        Add(NpgsqlDbType.Bigint, rows.Select(r => r.LeaseToken));
        Add(NpgsqlDbType.TimestampTz, rows.Select(r => r.NextAttemptAt));
        Add(NpgsqlDbType.Bigint, rows.Select(r => r.Etag));
        Add(NpgsqlDbType.TimestampTz, rows.Select(r => r.PurgeAt));
        Add(NpgsqlDbType.Text, rows.Select(r => r.Tier.ToText()));
        Add(NpgsqlDbType.Text, rows.Select(r => r.PooledSchema));
        Add(NpgsqlDbType.Text, rows.Select(r => r.Move?.To.ToText()));
        Add(NpgsqlDbType.Text, rows.Select(r => r.Move?.Phase.ToString()));
        Add(NpgsqlDbType.TimestampTz, rows.Select(r => r.Move?.StartedAt));
        var events = saves.SelectMany(s => s.Events.Select(e => (s.Row.Slug, Event: e))).ToArray();
        Add(NpgsqlDbType.Text, events.Select(e => e.Slug));
        Add(NpgsqlDbType.Text, events.Select(e => e.Event.From?.ToString()));
        Add(NpgsqlDbType.Text, events.Select(e => e.Event.To.ToString()));
        Add(NpgsqlDbType.Text, events.Select(e => e.Event.Step?.ToString()));
        Add(NpgsqlDbType.Text, events.Select(e => e.Event.Detail));
        Add(NpgsqlDbType.Integer, events.Select(e => e.Event.Attempt));
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        return command;

        void Add<T>(NpgsqlDbType type, IEnumerable<T> values) =>
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values.ToArray() });
    }

    // The transition's webhook event, if it announces one, goes to the outbox in the same transaction.
    private static void AnnounceTo(NpgsqlBatch batch, TenantRow row, TenantEventDraft e)
    {
        if (WebhookOutbox.ForTenant(row, e) is { } announce)
        {
            batch.BatchCommands.Add(announce);
        }
    }

    /// <summary>
    /// The row's update, fenced by its etag, with its timeline entries and the change notification, returning the new
    /// etag and time (no row when the etag did not match, and then nothing else is written). One statement, not three:
    /// each statement costs the server its own parse, bind and execute, and a rollout pays that for every tenant.
    /// </summary>
    private static NpgsqlBatchCommand Save(TenantRow row, IReadOnlyList<TenantEventDraft> events, string siloId)
    {
        var logged = events.Count switch
        {
            0 => string.Empty,
            1 => """
                , logged AS (
                    INSERT INTO controlplane.tenant_events (slug, from_state, to_state, step, detail, attempt, silo_id)
                    SELECT $1, $17, $18, $19, $20, $21, $22 FROM saved)
                """,

            // Several in one statement, in their order (ids follow the ORDER BY): a unit that takes several steps at
            // once (a claim from the warm pool, a build) would otherwise pay a statement each, and every statement is
            // parsed and planned again after any schema rename or creation in the database resets the cached plans.
            _ => """
                , logged AS (
                    INSERT INTO controlplane.tenant_events (slug, from_state, to_state, step, detail, attempt, silo_id)
                    SELECT $1, e.from_state, e.to_state, e.step, e.detail, e.attempt, $22
                    FROM saved, unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::int[]) WITH ORDINALITY AS e(from_state, to_state, step, detail, attempt, n)
                    ORDER BY e.n)
                """,
        };
        var update = new NpgsqlBatchCommand(
            $"""
            WITH saved AS (
                UPDATE controlplane.tenants SET
                    state = $2, failed_step = $3, last_error = $4, attempts = $5, migration_version = $6,
                    lease_owner = $7, lease_token = $8, next_attempt_at = $9, purge_at = $11, tier = $12, pooled_schema = $13,
                    move_to = $14, move_phase = $15, move_started_at = $16,
                    etag = etag + 1, updated_at = clock_timestamp(),
                    activated_at = coalesce(activated_at, CASE WHEN $2 = 'Active' THEN clock_timestamp() END)
                WHERE slug = $1 AND etag = $10
                RETURNING etag, updated_at){logged}
            SELECT saved.etag, saved.updated_at, pg_catalog.pg_notify('{TenantChangeFeed.Channel}', $1) FROM saved
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = row.Slug });
        update.Parameters.Add(new NpgsqlParameter { Value = row.State.ToString() });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.FailedStep?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.LastError ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = row.Attempts });
        update.Parameters.Add(new NpgsqlParameter { Value = row.MigrationVersion });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.LeaseOwner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = row.LeaseToken });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.NextAttemptAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        update.Parameters.Add(new NpgsqlParameter { Value = row.Etag });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.PurgeAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        update.Parameters.Add(new NpgsqlParameter { Value = row.Tier.ToText() });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.PooledSchema ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Move?.To.ToText() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Move?.Phase.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Move?.StartedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (events.Count == 1)
        {
            AddEventValues(update, events[0], siloId);
        }
        else if (events.Count > 1)
        {
            AddEventArrays(update, events, siloId);
        }

        return update;
    }

    private static void AddEventValues(NpgsqlBatchCommand command, TenantEventDraft e, string siloId)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.From?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = e.To.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Step?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
    }

    private static void AddEventArrays(NpgsqlBatchCommand command, IReadOnlyList<TenantEventDraft> events, string siloId)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.From?.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.To.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Step?.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Detail).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Attempt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
    }

    /// <summary>
    /// Replaces the labels of the row the caller holds FOR UPDATE (fenced by its etag, which it bumps) and notifies
    /// the change feed, so watchers of the tenant see the new etag. Returns the new etag and time.
    /// </summary>
    public static async Task<(long Etag, DateTimeOffset UpdatedAt)> SaveLabelsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantRow row, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var update = new NpgsqlBatchCommand(
            """
            UPDATE controlplane.tenants SET labels = $2, etag = etag + 1, updated_at = clock_timestamp()
            WHERE slug = $1 AND etag = $3
            RETURNING etag, updated_at
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = row.Slug });
        update.Parameters.Add(new NpgsqlParameter { Value = SerializeLabels(labels), NpgsqlDbType = NpgsqlDbType.Jsonb });
        update.Parameters.Add(new NpgsqlParameter { Value = row.Etag });
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(TenantChangeFeed.Notify(row.Slug));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new TenantFencedOutException(row.Slug, $"the registry row changed under a held lock (expected etag {row.Etag})");
        }

        return (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    public static string SerializeLabels(IReadOnlyDictionary<string, string> labels) => JsonSerializer.Serialize(labels);

    /// <summary>An insert of one timeline entry, for a batch.</summary>
    public static NpgsqlBatchCommand EventInsert(string slug, TenantEventDraft e, string siloId)
    {
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO controlplane.tenant_events (slug, from_state, to_state, step, detail, attempt, silo_id) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        insert.Parameters.Add(new NpgsqlParameter { Value = slug });
        AddEventValues(insert, e, siloId);
        return insert;
    }

    /// <summary>Maps the first <see cref="ColumnCount"/> columns of the current record.</summary>
    public static TenantRow Read(NpgsqlDataReader reader) => new()
    {
        Slug = reader.GetString(0),
        DisplayName = reader.GetString(1),
        SchemaName = reader.GetString(2),
        RoleName = reader.GetString(3),
        State = Enum.Parse<TenantStatus>(reader.GetString(4)),
        FailedStep = reader.IsDBNull(5) ? null : Enum.Parse<ProvisioningStep>(reader.GetString(5)),
        LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
        Attempts = reader.GetInt32(7),
        MigrationVersion = reader.GetInt32(8),
        Etag = reader.GetInt64(9),
        LeaseOwner = reader.IsDBNull(10) ? null : reader.GetString(10),
        LeaseToken = reader.GetInt64(11),
        NextAttemptAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
        Labels = ReadLabels(reader.GetString(15)),
        CopyFrom = Tenants.Copies.TenantCopySource.FromColumns(
            reader.IsDBNull(16) ? null : reader.GetString(16), reader.IsDBNull(17) ? null : reader.GetString(17)),
        PurgeAt = reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18),
        Tier = TenantTiers.TryParse(reader.GetString(19), out var tier) ? tier : throw new InvalidOperationException($"Unknown tier '{reader.GetString(19)}'."),
        PooledSchema = reader.IsDBNull(20) ? null : reader.GetString(20),
        Move = reader.IsDBNull(21) ? null : new TenantMove(
            TenantTiers.TryParse(reader.GetString(21), out var to) ? to : throw new InvalidOperationException($"Unknown move target '{reader.GetString(21)}'."),
            Enum.Parse<TenantMovePhase>(reader.GetString(22)),
            reader.GetFieldValue<DateTimeOffset>(23)),
    };

    private static SortedDictionary<string, string> ReadLabels(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.Ordinal);
}

/// <summary>
/// One tenant's save in a migration group: its row, its timeline entries, the statements sent after the saves (its
/// DDL), and its version record, which the group writes with the others' after every member's DDL.
/// </summary>
public sealed record TenantSave(TenantRow Row, IReadOnlyList<TenantEventDraft> Events, IReadOnlyList<NpgsqlBatchCommand> After, Migrations.TimedVersionRecord? VersionRecord = null);
