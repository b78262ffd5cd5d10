using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Rollouts;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// The one home of "which tenant goes in which wave, and which are skipped": a query that creating a rollout inserts
/// from and planning one reads from, so a plan shows exactly what a start would record.
/// </summary>
/// <remarks>
/// Every tenant not Deleted is numbered in md5(slug) order (a stable pseudo-random order: a canary wave is a sample,
/// not the alphabet's start). Waves are then filled in order from the tenants no earlier wave took: a wave with a
/// selector takes the ones it matches (its first <c>tenants</c> of them when it gives a size), a wave without one the
/// next <c>tenants</c>; the last wave takes everything left. Skipped tenants are assigned like the others, so a
/// wave's size counts them. Pooled tenants are not assigned: each pooled schema is one unit of the first wave
/// (<see cref="Pooled.PooledRolloutUnit"/>), beside the tenants the wave's size or selector took.
/// </remarks>
public static class RolloutAssignment
{
    /// <summary>
    /// A <c>WITH</c> clause ending in the relation <c>assigned</c>(slug, wave, rn, status, from_version, error, kind), with
    /// its values in <paramref name="parameters"/>. Append a <c>SELECT ... FROM assigned</c> (or put it after an
    /// <c>INSERT ... </c>) to use it.
    /// </summary>
    public static string With(IReadOnlyList<RolloutWavePlan> waves, int target, PositionalParameters parameters)
    {
        var ctes = new List<string>
        {
            """
            t AS (SELECT slug, migration_version, state, labels, row_number() OVER (ORDER BY md5(slug), slug) AS rn
                  FROM controlplane.tenants WHERE state <> 'Deleted' AND tier <> 'pooled')
            """,
        };
        for (var i = 0; i < waves.Count - 1; i++)
        {
            var wave = waves[i];
            var conditions = new List<string>();
            if (i > 0)
            {
                conditions.Add($"t.slug NOT IN ({string.Join(" UNION ALL ", Enumerable.Range(0, i).Select(w => $"SELECT slug FROM w{w}"))})");
            }

            if (wave.Selector is { } selector)
            {
                conditions.Add(LabelSelectorSql.Where(LabelSelector.Parse(selector, $"waves[{i}].selector"), "t.labels", parameters));
            }

            var where = conditions.Count > 0 ? $" WHERE {string.Join(" AND ", conditions)}" : string.Empty;

            // LIMIT NULL is no limit: a selector wave without a size takes every tenant it matches.
            ctes.Add($"w{i} AS (SELECT t.slug FROM t{where} ORDER BY t.rn LIMIT {parameters.Add(wave.Tenants, NpgsqlDbType.Integer)})");
        }

        var taken = waves.Count > 1
            ? $"LEFT JOIN ({string.Join(" UNION ALL ", Enumerable.Range(0, waves.Count - 1).Select(w => $"SELECT slug, {w} AS wave FROM w{w}"))}) w USING (slug)"
            : string.Empty;
        var last = parameters.Add(waves.Count - 1, NpgsqlDbType.Integer);
        var version = parameters.Add(target, NpgsqlDbType.Integer);
        var wave0 = waves.Count > 1 ? $"COALESCE(w.wave, {last})" : last;
        ctes.Add(
            $"""
            assigned AS (
                SELECT t.slug, {wave0}::int AS wave, t.rn,
                       CASE WHEN t.migration_version >= {version} OR t.state IN ('Deprovisioning', 'Failed', 'Retained') THEN 'Skipped' ELSE 'Pending' END AS status,
                       t.migration_version AS from_version,
                       CASE WHEN t.migration_version >= {version} THEN 'already at V' || t.migration_version
                            WHEN t.state = 'Failed' THEN 'provisioning failed; it reaches the newest version when retried'
                            WHEN t.state = 'Deprovisioning' THEN 'being deleted'
                            WHEN t.state = 'Retained' THEN 'retained until its purge; a resume brings it back at its version' END AS error,
                       'tenant' AS kind
                FROM t {taken}
                UNION ALL
                {PooledUnits(version, parameters)})
            """);
        return $"WITH {string.Join(",\n", ctes)}\n";
    }

    /// <summary>
    /// Each pooled schema as one unit of the first wave, ahead of its tenants (rn 0). Why first: a pooled migration
    /// is transactional, so a failure leaves the schema and all its tenants serving on their version, and it halts
    /// the rollout before any schema-tier tenant moved on; its tenants are the small and trial ones, the natural
    /// canary. Pending while the schema, or one of its live tenants (after an interruption between the schema's
    /// commit and the tenants' catch-up), is below the target.
    /// </summary>
    private static string PooledUnits(string version, PositionalParameters parameters) =>
        $"""
        SELECT {parameters.Add(Pooled.PooledRolloutUnit.Prefix, NpgsqlDbType.Text)} || p.schema_name, 0, 0::bigint,
               CASE WHEN p.migration_version >= {version} AND NOT EXISTS (
                        SELECT 1 FROM controlplane.tenants x
                        WHERE x.tier = 'pooled' AND x.pooled_schema = p.schema_name AND x.state NOT IN ('Deleted', 'Deprovisioning') AND x.migration_version < {version})
                    THEN 'Skipped' ELSE 'Pending' END,
               p.migration_version,
               CASE WHEN p.migration_version >= {version} THEN 'already at V' || p.migration_version END,
               'pooled'
        FROM controlplane.pooled_stores p
        """;

    /// <summary>
    /// The lowest version among the tenants a rollout with these waves would migrate (null: none), which is where its
    /// pending migration files start (the lint reads them).
    /// </summary>
    public static async Task<int?> LowestPendingVersionAsync(
        NpgsqlConnection connection, IReadOnlyList<RolloutWavePlan> waves, int target, CancellationToken cancellationToken)
    {
        var parameters = new PositionalParameters();
        await using var command = new NpgsqlCommand(
            With(waves, target, parameters) + "SELECT min(from_version) FROM assigned WHERE status = 'Pending' AND kind = 'tenant'", connection);
        parameters.AddTo(command.Parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is int lowest ? lowest : null;
    }
}
