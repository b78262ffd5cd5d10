using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Cluster;

/// <summary>
/// Who this silo is in the membership table. <see cref="SiloId"/> names one incarnation: a silo declared
/// dead rejoins under a new one, so nothing it held before stays valid.
/// </summary>
public sealed class SiloIdentity
{
    private string _siloId;

    public SiloIdentity(IOptions<ClusterOptions> options)
    {
        Name = string.IsNullOrWhiteSpace(options.Value.SiloName) ? Environment.MachineName : options.Value.SiloName;
        Address = options.Value.AdvertisedAddress;
        _siloId = NewId(Name);
    }

    public string Name { get; }

    public string? Address { get; set; }

    /// <summary>The current incarnation's id, written as the lease owner of tenants this silo drives.</summary>
    public string SiloId => Volatile.Read(ref _siloId);

    /// <summary>Starts a new incarnation (after this silo was declared dead).</summary>
    public string Renew()
    {
        var id = NewId(Name);
        Volatile.Write(ref _siloId, id);
        return id;
    }

    private static string NewId(string name) => $"{name}#{Guid.NewGuid().ToString("N")[..12]}";
}
