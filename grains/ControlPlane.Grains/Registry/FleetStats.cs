using ControlPlane.Grains.Database;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Stats;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>
/// The dashboard's pictures, from what the registry already records: onboarding latency from each tenant's timeline
/// (its Requested entry to its first Active entry), a rollout's pace from its tenants' <c>finished_at</c>.
/// </summary>
public sealed class FleetStats(ControlPlaneDataSources dataSources) : IFleetStats
{
    // Finished for the pace: the tenants the rollout migrated or failed; skipped ones did no work.
    private const string Done = $"status IN ('{nameof(RolloutTenantStatus.Succeeded)}', '{nameof(RolloutTenantStatus.Failed)}')";

    public async Task<OnboardingLatencies> OnboardingLatenciesAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        // From registration (created_at) to the first Active (activated_at, set once by the update that makes it so; a
        // resume's Active does not move it), for the tenants first Active in the window: one range of R0025's index,
        // which carries both times. Summarised here, so a window of 20,000 onboardings sends a few numbers, not 20,000.
        // percentile_disc is the nearest rank: the smallest latency with at least that share of the sample at or below it.
        await using var command = dataSources.Registry.CreateCommand(
            """
            WITH l AS (
                SELECT (extract(epoch FROM t.activated_at - t.created_at) * 1000)::float8 AS ms
                FROM controlplane.tenants t
                WHERE t.activated_at >= $1)
            SELECT clock_timestamp(), count(*)::int,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY ms), percentile_disc(0.95) WITHIN GROUP (ORDER BY ms), max(ms),
                   (SELECT coalesce(array_agg(g.bucket), '{}') FROM (SELECT width_bucket(ms, $2) AS bucket, count(*)::int AS n FROM l GROUP BY 1) g),
                   (SELECT coalesce(array_agg(g.n), '{}') FROM (SELECT width_bucket(ms, $2) AS bucket, count(*)::int AS n FROM l GROUP BY 1) g)
            FROM l
            """);
        command.Parameters.Add(new() { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = OnboardingLatencies.EdgesMs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counts = new int[OnboardingLatencies.EdgesMs.Count];
        var (buckets, numbers) = (reader.GetFieldValue<int[]>(5), reader.GetFieldValue<int[]>(6));
        for (var i = 0; i < buckets.Length; i++)
        {
            // width_bucket numbers the bucket starting at edge i as i + 1 (0 below the first edge: a clock step back).
            counts[Math.Clamp(buckets[i] - 1, 0, counts.Length - 1)] += numbers[i];
        }

        return new OnboardingLatencies(
            from, reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetDouble(4),
            counts);
    }

    public async Task<RolloutThroughput?> RolloutThroughputAsync(string rolloutId, int maxBuckets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        await using var batch = connection.CreateBatch();
        var totals = new Npgsql.NpgsqlBatchCommand(
            $"""
            SELECT r.state, count(t.slug), count(t.slug) FILTER (WHERE {Done}),
                   count(t.slug) FILTER (WHERE t.status = '{nameof(RolloutTenantStatus.Pending)}'),
                   min(t.finished_at) FILTER (WHERE {Done}),
                   CASE WHEN r.finished_at IS NULL THEN clock_timestamp() ELSE max(t.finished_at) FILTER (WHERE {Done}) END
            FROM controlplane.rollouts r LEFT JOIN controlplane.rollout_tenants t ON t.rollout_id = r.id
            WHERE r.id = $1
            GROUP BY r.state, r.finished_at
            """);
        totals.Parameters.Add(new Npgsql.NpgsqlParameter { Value = rolloutId, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(totals);
        string state;
        long total, finished, remaining;
        DateTimeOffset? origin;
        DateTimeOffset end;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (state, total, finished, remaining) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            origin = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            end = reader.GetFieldValue<DateTimeOffset>(5);
        }

        if (origin is not { } start)
        {
            return new RolloutThroughput(rolloutId, state, total, finished, remaining, null, 1, []);
        }

        // Whole seconds per bucket, as few as give at most maxBuckets buckets up to now (a finished rollout: its last tenant).
        var bucketSeconds = Math.Max(1, (int)Math.Ceiling((end - start).TotalSeconds / maxBuckets));
        var buckets = new long[Math.Max(1, (int)Math.Ceiling((end - start).TotalSeconds / bucketSeconds))];
        await using var perBucket = connection.CreateCommand();
        perBucket.CommandText =
            $"""
            SELECT floor(extract(epoch FROM finished_at - $2) / $3)::int, count(*)
            FROM controlplane.rollout_tenants
            WHERE rollout_id = $1 AND {Done}
            GROUP BY 1
            """;
        perBucket.Parameters.Add(new Npgsql.NpgsqlParameter { Value = rolloutId, NpgsqlDbType = NpgsqlDbType.Text });
        perBucket.Parameters.Add(new Npgsql.NpgsqlParameter { Value = start, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        perBucket.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (double)bucketSeconds, NpgsqlDbType = NpgsqlDbType.Double });
        await using (var reader = await perBucket.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                buckets[Math.Clamp(reader.GetInt32(0), 0, buckets.Length - 1)] += reader.GetInt64(1);
            }
        }

        return new RolloutThroughput(rolloutId, state, total, finished, remaining, start, bucketSeconds, buckets);
    }
}
