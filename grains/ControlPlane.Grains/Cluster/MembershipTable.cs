using ControlPlane.Grains.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Cluster;

/// <summary>
/// The membership table in the registry. Liveness is a heartbeat judged by the database's clock, so silos'
/// clocks never need to agree; no consensus protocol of our own is involved.
/// </summary>
public sealed class MembershipTable(ControlPlaneDataSources dataSources, IOptions<ClusterOptions> options) : IClusterMembership
{
    /// <summary>Registers a new incarnation, declaring earlier incarnations of the same name dead.</summary>
    public async Task JoinAsync(SiloIdentity silo, CancellationToken cancellationToken)
    {
        await using var batch = dataSources.Registry.CreateBatch();
        var retire = new NpgsqlBatchCommand(
            "UPDATE controlplane.silos SET status = 'Dead', stopped_at = clock_timestamp(), active_grains = NULL WHERE name = $1 AND status <> 'Dead'");
        retire.Parameters.Add(new NpgsqlParameter { Value = silo.Name });
        var join = new NpgsqlBatchCommand(
            "INSERT INTO controlplane.silos (silo_id, name, address, status) VALUES ($1, $2, $3, 'Active')");
        join.Parameters.Add(new NpgsqlParameter { Value = silo.SiloId });
        join.Parameters.Add(new NpgsqlParameter { Value = silo.Name });
        join.Parameters.Add(new NpgsqlParameter { Value = (object?)silo.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        batch.BatchCommands.Add(retire);
        batch.BatchCommands.Add(join);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Renews the heartbeat. False means this incarnation is no longer a member (declared dead, or silent past
    /// <paramref name="deadAfter"/>): it must drop its activations and rejoin rather than revive itself.
    /// </summary>
    public async Task<bool> HeartbeatAsync(string siloId, TimeSpan deadAfter, int activeGrains, string? address, CancellationToken cancellationToken)
    {
        // The address may be learnt only once the web server listens, after the silo joined.
        await using var command = dataSources.Registry.CreateCommand(
            """
            UPDATE controlplane.silos SET heartbeat_at = clock_timestamp(), active_grains = $3, address = coalesce($4, address)
            WHERE silo_id = $1 AND status = 'Active' AND heartbeat_at > clock_timestamp() - $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = deadAfter });
        command.Parameters.Add(new NpgsqlParameter { Value = activeGrains });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)address ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Starts a graceful stop: the silo stops counting as live, so its leases are free at once and other silos'
    /// sweepers take its tenants and its rollout over while it finishes shutting down.
    /// </summary>
    public async Task ShutDownAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            "UPDATE controlplane.silos SET status = 'ShuttingDown' WHERE silo_id = $1 AND status = 'Active'");
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks silos whose heartbeat is older than <paramref name="deadAfter"/> as dead; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> DeclareDeadAsync(TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            """
            UPDATE controlplane.silos SET status = 'Dead', stopped_at = clock_timestamp(), active_grains = NULL
            WHERE status <> 'Dead' AND heartbeat_at < clock_timestamp() - $1
            RETURNING silo_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deadAfter });
        var dead = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            dead.Add(reader.GetString(0));
        }

        return dead;
    }

    /// <summary>Leaves gracefully: releases every tenant lease so other silos take the work over at once.</summary>
    public async Task LeaveAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var batch = dataSources.Registry.CreateBatch();
        var release = new NpgsqlBatchCommand("UPDATE controlplane.tenants SET lease_owner = NULL WHERE lease_owner = $1");
        release.Parameters.Add(new NpgsqlParameter { Value = siloId });
        var releaseRollouts = new NpgsqlBatchCommand("UPDATE controlplane.rollouts SET lease_owner = NULL WHERE lease_owner = $1");
        releaseRollouts.Parameters.Add(new NpgsqlParameter { Value = siloId });
        var leave = new NpgsqlBatchCommand(
            "UPDATE controlplane.silos SET status = 'Dead', stopped_at = clock_timestamp(), active_grains = NULL WHERE silo_id = $1");
        leave.Parameters.Add(new NpgsqlParameter { Value = siloId });
        batch.BatchCommands.Add(release);
        batch.BatchCommands.Add(releaseRollouts);
        batch.BatchCommands.Add(leave);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken) =>
        ListAsync(options.Value.DeadAfter, cancellationToken);

    /// <summary>Every silo incarnation seen in the last day: live ones first (Active, then ShuttingDown), newest first within each.</summary>
    public async Task<IReadOnlyList<SiloRecord>> ListAsync(TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        // A silo silent past deadAfter is shown Dead even before some silo's agent has marked it so.
        await using var command = dataSources.Registry.CreateCommand(
            """
            SELECT silo_id, name, address, started_at, heartbeat_at, shown, stopped_at, active_grains
            FROM (
                SELECT silo_id, name, address, started_at, heartbeat_at, stopped_at, active_grains,
                       CASE WHEN status <> 'Dead' AND heartbeat_at < clock_timestamp() - $1 THEN 'Dead' ELSE status END AS shown
                FROM controlplane.silos
                WHERE status <> 'Dead' OR stopped_at > clock_timestamp() - interval '1 day') AS s
            ORDER BY CASE shown WHEN 'Active' THEN 0 WHEN 'ShuttingDown' THEN 1 ELSE 2 END, started_at DESC
            LIMIT 200
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deadAfter });
        var silos = new List<SiloRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = Enum.Parse<SiloStatus>(reader.GetString(5));
            silos.Add(new SiloRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                status,
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                status == SiloStatus.Dead || reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }

        return silos;
    }
}
