using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Tenants;
using ControlPlane.Runtime;
using Microsoft.Extensions.Options;
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
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var slugs = await due.FindDueAsync(silo.SiloId, cluster.Value.DeadAfter, provisioning.Value.SweepBatchSize, cancellationToken);
        foreach (var slug in slugs)
        {
            if (!drives.TryEnter(slug))
            {
                continue;
            }

            LogResuming(logger, slug);
            _ = grains.GetGrain<ITenantGrain>(slug).DriveAsync().ContinueWith(
                task =>
                {
                    drives.Exit(slug);
                    LogDriveFailed(logger, slug, task.Exception!.GetBaseException());
                },
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug} has due work; handing it to its grain")]
    private static partial void LogResuming(ILogger logger, string slug);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Slug}: drive could not run")]
    private static partial void LogDriveFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for due tenant work failed; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
