using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Tenants;
using ControlPlane.Runtime;
using Microsoft.Extensions.Options;
using ControlPlane.Silo.Hosting;
using Npgsql;

namespace ControlPlane.Silo.Tenants;

/// <summary>
/// The durable reminder behind provisioning: finds tenants whose work is due (a retry, or a step a dead silo left
/// half-way) and hands each to its grain. This is what makes provisioning survive a crash.
/// </summary>
internal sealed partial class TenantWorkSweeper(
    DueTenantWork due,
    LocalDrives drives,
    IGrainFactory grains,
    SiloIdentity silo,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<ClusterOptions> cluster,
    ILogger<TenantWorkSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(provisioning.Value.SweepInterval);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var slugs = await due.FindDueAsync(silo.SiloId, cluster.Value.DeadAfter, provisioning.Value.SweepBatchSize, cancellationToken);
        foreach (var slug in slugs)
        {
            if (drives.TryStart(slug, () => grains.GetGrain<ITenantGrain>(slug).DriveAsync(), ex => LogDriveFailed(logger, slug, ex)))
            {
                LogResuming(logger, slug);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug} has due work; handing it to its grain")]
    private static partial void LogResuming(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Slug}: drive could not run")]
    private static partial void LogDriveFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for due tenant work failed; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
