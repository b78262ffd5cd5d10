using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Silo.OrleansSilo;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Silo.Rollouts;

/// <summary>
/// Resumes running rollouts whose coordinator is gone (its silo died, or this silo restarted), so a crash mid-rollout
/// loses nothing: the coordinator grain picks up from the persisted record.
/// </summary>
/// <remarks>
/// Only Running rollouts. An orphaned coordinator is work already due, found in the registry and resumed within
/// seconds: a scan is the tool for that. A Scheduled rollout is not due until its notBefore, perhaps months away, and
/// its grain's Orleans reminder (armed before its row was written) starts it then, on whichever silo is up.
/// </remarks>
internal sealed partial class RolloutSweeper(
    ControlPlaneDataSources dataSources,
    IGrainFactory grains,
    SiloIdentity silo,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<FenceOptions> fence,
    ILogger<RolloutSweeper> logger) : PeriodicSiloScan(provisioning.Value.SweepInterval, logger)
{
    protected override async Task ScanAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await OrphanedAsync(cancellationToken))
        {
            LogResuming(logger, id);
            await grains.GetGrain<IRolloutGrain>(id).WakeAsync();
        }
    }

    private async Task<List<string>> OrphanedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT r.id FROM controlplane.rollouts r
            WHERE r.state = 'Running' AND {LeaseFence.Claimable("r.lease_owner", "$1", "$2")}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = silo.SiloId });
        command.Parameters.Add(new NpgsqlParameter { Value = fence.Value.HeartbeatExpiry });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout {RolloutId} has no live coordinator; waking its grain")]
    private static partial void LogResuming(ILogger logger, string rolloutId);
}
