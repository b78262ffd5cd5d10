using Orleans.Runtime;

namespace ControlPlane.Grains.Cluster;

/// <summary>
/// Who this silo is in the registry's leases: Orleans' silo address with its generation
/// (<c>10.0.0.5:11111@123456789</c>), the same text as the membership row's <c>silo_key</c>. A restarted silo is a new
/// generation, so a lease of its previous life is never mistaken for its own.
/// </summary>
public sealed class SiloIdentity(ILocalSiloDetails local)
{
    /// <summary>The lease owner's name for this silo incarnation.</summary>
    public string SiloId { get; } = local.SiloAddress.ToParsableString();

    /// <summary>The silo's name (Orleans' <c>SiloOptions.SiloName</c>).</summary>
    public string Name => local.Name;
}
