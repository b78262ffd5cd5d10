using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Runtime;
using Microsoft.Extensions.Options;
using ControlPlane.Silo.Hosting;
using Npgsql;

namespace ControlPlane.Silo.Rollouts;

/// <summary>
/// Resumes running rollouts whose coordinator is gone (its silo died, or this silo restarted), so a crash mid-rollout
/// loses nothing: the coordinator grain picks up from the persisted record.
/// </summary>
internal sealed partial class RolloutSweeper(
    ControlPlaneDataSources dataSources,
    LocalDrives drives,
    IGrainFactory grains,
    SiloIdentity silo,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<ClusterOptions> cluster,
    ILogger<RolloutSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(provisioning.Value.SweepInterval);
        do
        {
            try
            {
                foreach (var id in await OrphanedAsync(stoppingToken))
                {
                    if (drives.TryStart(RolloutGrain.DriveKeyOf(id), () => grains.GetGrain<IRolloutGrain>(id).DriveAsync(), ex => LogDriveFailed(logger, id, ex)))
                    {
                        LogResuming(logger, id);
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    private async Task<List<string>> OrphanedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            """
            SELECT r.id FROM controlplane.rollouts r
            WHERE r.state = 'Running'
              AND (r.lease_owner IS NULL OR r.lease_owner = $1 OR NOT EXISTS (
                  SELECT 1 FROM controlplane.silos s
                  WHERE s.silo_id = r.lease_owner AND s.status = 'Active' AND s.heartbeat_at > clock_timestamp() - $2))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = silo.SiloId });
        command.Parameters.Add(new NpgsqlParameter { Value = cluster.Value.DeadAfter });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} has no live coordinator; resuming it here")]
    private static partial void LogResuming(ILogger logger, string rolloutId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rollout {RolloutId}: drive could not run")]
    private static partial void LogDriveFailed(ILogger logger, string rolloutId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for orphaned rollouts failed; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
