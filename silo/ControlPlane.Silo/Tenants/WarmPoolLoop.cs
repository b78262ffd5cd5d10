using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.WarmPool;
using ControlPlane.Silo.OrleansSilo;
using Microsoft.Extensions.Options;

namespace ControlPlane.Silo.Tenants;

/// <summary>
/// Refills the warm pool (<c>ControlPlane:Tenants:WarmPoolSize</c>) while this silo is an active member, every sweep
/// interval; a silo that is starting or leaving builds nothing. Every silo runs one; the registry shares the work out.
/// </summary>
internal sealed class WarmPoolLoop(WarmPoolRefiller refiller, IOptions<ProvisioningOptions> provisioning, ILogger<WarmPoolLoop> logger)
    : PeriodicSiloScan(provisioning.Value.SweepInterval, logger)
{
    protected override Task ScanAsync(CancellationToken cancellationToken) => refiller.RefillAsync(cancellationToken);
}
