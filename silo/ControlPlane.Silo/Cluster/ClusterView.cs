using ControlPlane.Registry.Contracts.Cluster;
using Orleans.Runtime;
using OrleansStatus = Orleans.Runtime.SiloStatus;
using SiloStatus = ControlPlane.Registry.Contracts.Cluster.SiloStatus;

namespace ControlPlane.Silo.Cluster;

/// <summary>
/// The cluster as Orleans sees it: every silo in the membership table (live ones first, dead ones of the last day),
/// with the application grain activations each live silo reports.
/// </summary>
internal sealed class ClusterView(IGrainFactory grains, TimeProvider clock) : IClusterMembership
{
    private static readonly TimeSpan DeadShownFor = TimeSpan.FromDays(1);

    public async Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken);
        var active = hosts.Where(h => h.Status == OrleansStatus.Active).Select(h => h.SiloAddress).ToArray();
        var activations = active.Length == 0 ? [] : (await management.GetSimpleGrainStatistics(active, cancellationToken))
            .Where(g => !IsOrleansOwn(g.GrainType))
            .GroupBy(g => g.SiloAddress)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
        var since = clock.GetUtcNow() - DeadShownFor;
        return [.. hosts
            .Where(h => h.Status != OrleansStatus.Dead || h.IAmAliveTime > since.UtcDateTime)
            .Select(h => Record(h, activations))
            .OrderBy(s => s.Status switch { SiloStatus.Active => 0, SiloStatus.Joining => 1, SiloStatus.ShuttingDown or SiloStatus.Stopping => 2, _ => 3 })
            .ThenByDescending(s => s.StartedAt)];
    }

    // The runtime's own grains (management, dashboard, membership services) are not what an operator counts: the
    // figure is the application's activations (tenants, rollouts) on that silo.
    private static bool IsOrleansOwn(string grainType) => grainType.StartsWith("Orleans.", StringComparison.Ordinal);

    private static SiloRecord Record(MembershipEntry host, Dictionary<SiloAddress, int> activations)
    {
        var status = host.Status switch
        {
            OrleansStatus.Active => SiloStatus.Active,
            OrleansStatus.ShuttingDown => SiloStatus.ShuttingDown,
            OrleansStatus.Stopping => SiloStatus.Stopping,
            OrleansStatus.Dead => SiloStatus.Dead,
            _ => SiloStatus.Joining,
        };
        var lastSeen = new DateTimeOffset(DateTime.SpecifyKind(host.IAmAliveTime, DateTimeKind.Utc));
        return new SiloRecord(
            host.SiloAddress.ToParsableString(),
            host.SiloName,
            host.SiloAddress.Endpoint.ToString(),
            new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc)),
            lastSeen,
            status,
            status == SiloStatus.Dead ? lastSeen : null,
            status == SiloStatus.Active ? activations.GetValueOrDefault(host.SiloAddress) : null);
    }
}
