using System.Globalization;
using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Grains.Migrations;

/// <summary>SQL over <c>controlplane.tenant_migrations</c>.</summary>
public static class AppliedMigrations
{
    private const string SelectSql =
        "SELECT version, name, checksum, status, applied_at, duration_ms FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version";

    public static async Task<IReadOnlyList<AppliedMigration>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string slug, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadAllAsync(reader, cancellationToken);
    }

    /// <summary>The select, for a batch.</summary>
    public static NpgsqlBatchCommand Select(string slug)
    {
        var command = new NpgsqlBatchCommand(SelectSql);
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        return command;
    }

    /// <summary>The select for several tenants at once (a migration group's lock), each tenant's rows in version order.</summary>
    public static NpgsqlBatchCommand SelectMany(IReadOnlyList<string> slugs)
    {
        var command = new NpgsqlBatchCommand(
            "SELECT version, name, checksum, status, applied_at, duration_ms, slug FROM controlplane.tenant_migrations WHERE slug = ANY($1) ORDER BY slug, version");
        command.Parameters.Add(new NpgsqlParameter { Value = slugs.ToArray() });
        return command;
    }

    /// <summary>Reads the rows of <see cref="Select"/> from the current result set.</summary>
    public static async Task<IReadOnlyList<AppliedMigration>> ReadAllAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var applied = new List<AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(ReadOne(reader));
        }

        return applied;
    }

    /// <summary>Reads the rows of <see cref="SelectMany"/> from the current result set, by tenant.</summary>
    public static async Task<Dictionary<string, List<AppliedMigration>>> ReadManyAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, List<AppliedMigration>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var slug = reader.GetString(6);
            if (!applied.TryGetValue(slug, out var list))
            {
                applied[slug] = list = [];
            }

            list.Add(ReadOne(reader));
        }

        return applied;
    }

    private static AppliedMigration ReadOne(NpgsqlDataReader reader) => new(
        reader.GetInt32(0),
        reader.GetString(1),
        reader.GetString(2),
        Enum.Parse<AppliedMigrationStatus>(reader.GetString(3)),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetDouble(5));

    /// <summary>
    /// Starts the server-side clock of a migration sent in the same batch as its record, and puts the step on the
    /// tenant's schema: <c>search_path</c> and the start time are transaction-local settings, as are
    /// <paramref name="alsoSet"/> (the unit's DDL timeouts), set in this statement rather than one of their own.
    /// </summary>
    public static NpgsqlBatchCommand StartTimed(string quotedSchema, IReadOnlyList<LocalSetting>? alsoSet = null)
    {
        alsoSet ??= [];
        var command = new NpgsqlBatchCommand(
            $"""
            SELECT set_config('controlplane.saved_search_path', current_setting('search_path'), true),
                   set_config('search_path', $1, true),
                   set_config('controlplane.migration_started', clock_timestamp()::text, true){(alsoSet.Count > 0 ? ",\n       " + LocalSetting.Columns(alsoSet, firstParameter: 2) : string.Empty)}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = quotedSchema });
        LocalSetting.AddParameters(command, alsoSet);
        return command;
    }

    /// <summary>
    /// Puts back the <c>search_path</c> saved by <see cref="StartTimed"/>, and sets <paramref name="alsoSet"/> (the
    /// session's lock timeout again) in the same statement. PostgreSQL re-plans a prepared statement whenever the path
    /// differs from the one it was planned under, so the registry statements that follow a migration (and every
    /// tenant's next lock) keep their plans only if the path is the session's again.
    /// </summary>
    public static NpgsqlBatchCommand RestorePath(IReadOnlyList<LocalSetting>? alsoSet = null, string? durationInto = null)
    {
        alsoSet ??= [];
        var command = new NpgsqlBatchCommand(
            "SELECT set_config('search_path', current_setting('controlplane.saved_search_path'), true)"
            + (durationInto is null ? string.Empty : $", set_config('{durationInto}', ({ElapsedMs})::text, true)")
            + (alsoSet.Count > 0 ? ", " + LocalSetting.Columns(alsoSet, firstParameter: 1) : string.Empty));
        LocalSetting.AddParameters(command, alsoSet);
        return command;
    }

    // The milliseconds since StartTimed, by the server's clock.
    private const string ElapsedMs = "extract(epoch FROM clock_timestamp() - current_setting('controlplane.migration_started')::timestamptz) * 1000";

    /// <summary>
    /// The transaction-local setting a migration group's member <paramref name="slot"/> keeps its migration's duration
    /// in (<see cref="RestorePath"/>) until <see cref="UpsertTimedMany"/> records it: a bounded set of names, so a
    /// work connection's backend never accumulates one per tenant.
    /// </summary>
    public static string DurationSetting(int slot) => string.Create(CultureInfo.InvariantCulture, $"controlplane.migration_ms_{slot}");

    /// <summary>
    /// Records several tenants' applied migrations in one statement (a migration group's), each with the duration its
    /// <see cref="RestorePath"/> kept: one statement's bind and executor start for the group rather than one per tenant.
    /// </summary>
    public static NpgsqlBatchCommand UpsertTimedMany(IReadOnlyList<TimedVersionRecord> records)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO controlplane.tenant_migrations (slug, version, name, checksum, status, duration_ms)
            SELECT m.slug, m.version, m.name, m.checksum, $6, current_setting(m.setting)::float8
            FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS m(slug, version, name, checksum, setting)
            ON CONFLICT (slug, version) DO UPDATE SET
                name = excluded.name, checksum = excluded.checksum, duration_ms = excluded.duration_ms,
                status = excluded.status, applied_at = clock_timestamp()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Slug).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Script.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Script.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Script.Checksum).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.DurationSetting).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = AppliedMigrationStatus.Applied.ToString() });
        return command;
    }

    /// <summary>Records an applied <paramref name="script"/> with its duration measured by the server since <see cref="StartTimed"/>.</summary>
    public static NpgsqlBatchCommand UpsertTimed(string slug, MigrationScript script) => Record(slug, script, AppliedMigrationStatus.Applied, ElapsedMs);

    /// <summary>Records <paramref name="script"/> for the tenant with the given status (replacing a Running/NeedsRepair record).</summary>
    public static NpgsqlBatchCommand Upsert(string slug, MigrationScript script, AppliedMigrationStatus status, double durationMs)
    {
        var command = Record(slug, script, status, "$6");
        command.Parameters.Add(new NpgsqlParameter { Value = durationMs });
        return command;
    }

    /// <summary>
    /// Records every script of <paramref name="scripts"/> as applied in <paramref name="durationMs"/>, in one statement
    /// (a claim from the warm pool records the whole catalogue at once).
    /// </summary>
    public static NpgsqlBatchCommand UpsertAll(string slug, IReadOnlyList<MigrationScript> scripts, double durationMs)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO controlplane.tenant_migrations (slug, version, name, checksum, status, duration_ms)
            SELECT $1, m.version, m.name, m.checksum, $5, $6 FROM unnest($2::int[], $3::text[], $4::text[]) AS m(version, name, checksum)
            ON CONFLICT (slug, version) DO UPDATE SET
                name = excluded.name, checksum = excluded.checksum, duration_ms = excluded.duration_ms,
                status = excluded.status, applied_at = clock_timestamp()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        command.Parameters.Add(new NpgsqlParameter { Value = scripts.Select(s => s.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = scripts.Select(s => s.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = scripts.Select(s => s.Checksum).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = AppliedMigrationStatus.Applied.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = durationMs });
        return command;
    }

    private static NpgsqlBatchCommand Record(string slug, MigrationScript script, AppliedMigrationStatus status, string durationSql)
    {
        var command = new NpgsqlBatchCommand(
            $"""
            INSERT INTO controlplane.tenant_migrations (slug, version, name, checksum, status, duration_ms) VALUES ($1, $2, $3, $4, $5, {durationSql})
            ON CONFLICT (slug, version) DO UPDATE SET
                name = excluded.name, checksum = excluded.checksum, duration_ms = excluded.duration_ms,
                status = excluded.status, applied_at = clock_timestamp()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = slug });
        command.Parameters.Add(new NpgsqlParameter { Value = script.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = script.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = script.Checksum });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        return command;
    }
}

/// <summary>An applied migration whose record a migration group writes with the others', its duration kept in <see cref="DurationSetting"/>.</summary>
public sealed record TimedVersionRecord(string Slug, MigrationScript Script, string DurationSetting);
