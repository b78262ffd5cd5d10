using System.Diagnostics.CodeAnalysis;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Rollouts;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// A pooled schema as one unit of a rollout (docs/tiers.md, "Rollouts"): its name in the rollout's tenant outcomes,
/// and the one home of what stops it from being migrated to a target. Pooled tenants are never planned one by one;
/// they take the schema's version when the unit succeeds.
/// </summary>
public static class PooledRolloutUnit
{
    /// <summary>
    /// What the unit's name starts with. A slug never holds a colon, so no tenant can be mistaken for the unit, and a
    /// reader of the rollout's outcomes sees at once that the entry is a pooled schema.
    /// </summary>
    public const string Prefix = "pooled:";

    public static string Name(string schema) => Prefix + schema;

    /// <summary>True when <paramref name="name"/> is a pooled unit's name (then <paramref name="schema"/> is its schema).</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out string? schema)
    {
        schema = name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : null;
        return schema is { Length: > 0 };
    }

    /// <summary>
    /// Why the pooled schema cannot be migrated to <paramref name="target"/> with <paramref name="catalog"/> as it is
    /// now (null: nothing stops it): the catalogue unreadable, without the target (a version must mean the same model
    /// in either tier, so a rollout never leaves the pooled tier behind silently), or drifted from what was applied.
    /// </summary>
    public static string? Refusal(PooledCatalog catalog, IReadOnlyList<AppliedMigration> applied, int target, out MigrationSet? set)
    {
        set = null;
        try
        {
            set = catalog.Migrations.Current();
        }
        catch (MigrationCatalogException ex)
        {
            return $"the pooled catalogue (ControlPlane:Pooled:MigrationsPath) cannot be used: {ex.Message}";
        }

        if (!set.ByVersion.ContainsKey(target))
        {
            var holds = set.Scripts.Count == 0 ? "it is empty" : $"it holds V{set.Scripts[0].Version:0000} to V{set.LatestVersion:0000}";
            return $"the pooled catalogue (ControlPlane:Pooled:MigrationsPath) has no V{target:0000} ({holds}); add the pooled schema's form of that migration so pooled tenants reach the same model";
        }

        var drift = MigrationDriftCheck.Find(applied, set);
        return drift.Count > 0
            ? $"migration drift in the pooled schema: {MigrationDriftCheck.Describe(drift)}; restore the pooled catalogue's files"
            : null;
    }

    /// <summary>The pooled schema's applied migrations as the registry records them (<c>controlplane.pooled_migrations</c>).</summary>
    public static async Task<List<AppliedMigration>> AppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version, name, checksum, applied_at, coalesce(took_ms, 0) FROM controlplane.pooled_migrations WHERE schema_name = $1 ORDER BY version",
            connection,
            transaction);
        command.Parameters.Add(new() { Value = schema });
        var applied = new List<AppliedMigration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A pooled migration is applied in one transaction with its record: there is no other status.
            applied.Add(new AppliedMigration(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), AppliedMigrationStatus.Applied, reader.GetFieldValue<DateTimeOffset>(3), reader.GetDouble(4)));
        }

        return applied;
    }

    /// <summary>
    /// The pooled units of <paramref name="rollout"/> (normally none or one), with their schemas' live tenants: a key
    /// lookup per pooled schema, since a rollout's snapshot is read often and its tenant rows can be many.
    /// </summary>
    public static async Task<List<RolloutPooledUnit>> ForRolloutAsync(NpgsqlConnection connection, RolloutRecord rollout, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT rt.slug, rt.wave, rt.status, rt.from_version, rt.error,
                   (SELECT count(*)::int FROM controlplane.tenants t
                    WHERE t.tier = 'pooled' AND t.pooled_schema = p.schema_name AND t.state <> 'Deleted')
            FROM controlplane.pooled_stores p
            JOIN controlplane.rollout_tenants rt ON rt.rollout_id = $1 AND rt.slug = $2 || p.schema_name
            ORDER BY rt.slug
            """,
            connection);
        command.Parameters.Add(new() { Value = rollout.Id });
        command.Parameters.Add(new() { Value = Prefix });
        var units = new List<RolloutPooledUnit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var wave = reader.GetInt32(1);
            units.Add(new RolloutPooledUnit(
                name,
                name[Prefix.Length..],
                wave < rollout.Waves.Count ? rollout.Waves[wave].Name : wave.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Enum.Parse<RolloutTenantStatus>(reader.GetString(2)),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5)));
        }

        return units;
    }

    /// <summary>Every pooled schema below <paramref name="target"/> that could not be migrated to it, one line each ("pooled:&lt;schema&gt;: why").</summary>
    public static async Task<List<(string Schema, string Refusal)>> RefusalsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, PooledCatalog catalog, int target, CancellationToken cancellationToken)
    {
        var below = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT schema_name FROM controlplane.pooled_stores WHERE migration_version < $1 ORDER BY schema_name", connection, transaction))
        {
            command.Parameters.Add(new() { Value = target });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                below.Add(reader.GetString(0));
            }
        }

        var refusals = new List<(string, string)>();
        foreach (var schema in below)
        {
            if (Refusal(catalog, await AppliedAsync(connection, transaction, schema, cancellationToken), target, out _) is { } refusal)
            {
                refusals.Add((schema, refusal));
            }
        }

        return refusals;
    }
}
