using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Testing;

/// <summary>
/// A Paused rollout written straight into the registry over some of a <see cref="RegisteredFleet"/>'s tenants: the
/// first <c>finished</c> succeeded one by one over the last <c>seconds</c>, the rest pending. Paused, so no silo drives it
/// (the sweeper takes only Running ones): it exists to be read, by the dashboard and the pace endpoint.
/// </summary>
public static class RegisteredRollout
{
    public static async Task InsertPausedAsync(string connectionString, string id, IReadOnlyList<string> slugs, int finished, int seconds, int targetVersion)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            WITH r AS (
                INSERT INTO controlplane.rollouts (id, state, target_version, max_parallel, failure_threshold, waves, reason, created_at)
                VALUES ($1, 'Paused', $4, 4, 0.1, jsonb_build_array(jsonb_build_object('name', 'all', 'size', cardinality($2::text[]))), 'paused by test', clock_timestamp() - make_interval(secs => $5 + 5))
                RETURNING id)
            INSERT INTO controlplane.rollout_tenants (rollout_id, slug, wave, status, from_version, finished_at)
            SELECT r.id, s.slug, 0, CASE WHEN s.n <= $3 THEN 'Succeeded' ELSE 'Pending' END, $4 - 1,
                   CASE WHEN s.n <= $3 THEN clock_timestamp() - make_interval(secs => $5 * (1 - s.n::float8 / $3)) END
            FROM r, unnest($2::text[]) WITH ORDINALITY AS s(slug, n)
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = slugs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = finished, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = targetVersion, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)seconds, NpgsqlDbType = NpgsqlDbType.Double });
        await command.ExecuteNonQueryAsync();
    }
}
