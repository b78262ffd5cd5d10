using ControlPlane.Grains;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Tenants;
using ControlPlane.Silo.OrleansSilo;
using Microsoft.Extensions.Options;

namespace ControlPlane.Silo.Tenants;

/// <summary>
/// The durable wake-up behind provisioning: finds tenants whose work is due (a retry, or a step a dead silo left
/// half-way) and wakes each one's grain, wherever Orleans places it. This is what makes provisioning survive a crash.
/// Every silo scans; a grain queues at most one drive however many wake-ups reach it.
/// </summary>
internal sealed partial class TenantWorkSweeper(
    DueTenantWork due,
    IGrainFactory grains,
    SiloIdentity silo,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<FenceOptions> fence,
    ILogger<TenantWorkSweeper> logger) : PeriodicSiloScan(provisioning.Value.SweepInterval, logger)
{
    protected override async Task ScanAsync(CancellationToken cancellationToken)
    {
        var slugs = await due.FindDueAsync(silo.SiloId, fence.Value.HeartbeatExpiry, provisioning.Value.SweepBatchSize, cancellationToken);
        foreach (var slug in slugs)
        {
            LogResuming(logger, slug);
            await grains.GetGrainByKey<ITenantGrain>(slug).WakeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug} has due work; waking its grain")]
    private static partial void LogResuming(ILogger logger, string slug);
}
