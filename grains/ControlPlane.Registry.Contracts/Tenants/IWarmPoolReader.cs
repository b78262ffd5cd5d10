namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>The warm pool's own figures, apart from the tenants (pool schemas are never listed or counted as tenants).</summary>
public interface IWarmPoolReader
{
    /// <summary>The configured size and what the registry holds now.</summary>
    Task<WarmPoolFigures> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The warm pool at one moment.</summary>
/// <param name="Size">The configured size (<c>ControlPlane:Tenants:WarmPoolSize</c> of the silo that answers).</param>
/// <param name="Ready">Schemas at the current catalogue, free to claim.</param>
/// <param name="Refilling">Schemas being built now.</param>
/// <param name="Stale">Schemas built at an older catalogue: never claimed, dropped and replaced by the refiller.</param>
/// <param name="CatalogueVersion">The catalogue's newest version, which a claimable schema is at.</param>
public sealed record WarmPoolFigures(int Size, int Ready, int Refilling, int Stale, int CatalogueVersion);
