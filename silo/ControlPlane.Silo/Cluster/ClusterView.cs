using ControlPlane.Registry.Contracts.Cluster;
using Orleans.Runtime;
using OrleansStatus = Orleans.Runtime.SiloStatus;
using SiloStatus = ControlPlane.Registry.Contracts.Cluster.SiloStatus;

namespace ControlPlane.Silo.Cluster;

/// <summary>
/// The cluster as Orleans sees it: every silo in the membership table (live ones first, dead ones of the last day),
/// with the activation count each live silo reports.
/// </summary>
internal sealed class ClusterView(IGrainFactory grains, TimeProvider clock) : IClusterMembership
{
    private static readonly TimeSpan DeadShownFor = TimeSpan.FromDays(1);

    public async Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken);
        var active = hosts.Where(h => h.Status == OrleansStatus.Active).Select(h => h.SiloAddress).ToArray();
        var statistics = active.Length == 0 ? [] : await management.GetRuntimeStatistics(active, cancellationToken);
        var activations = active.Zip(statistics).ToDictionary(p => p.First, p => p.Second.ActivationCount);
        var since = clock.GetUtcNow() - DeadShownFor;
        return [.. hosts
            .Where(h => h.Status != OrleansStatus.Dead || h.IAmAliveTime > since.UtcDateTime)
            .Select(h => Record(h, activations))
            .OrderBy(s => s.Status switch { SiloStatus.Active => 0, SiloStatus.Joining => 1, SiloStatus.ShuttingDown or SiloStatus.Stopping => 2, _ => 3 })
            .ThenByDescending(s => s.StartedAt)];
    }

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
            activations.TryGetValue(host.SiloAddress, out var count) ? count : null);
    }
}
