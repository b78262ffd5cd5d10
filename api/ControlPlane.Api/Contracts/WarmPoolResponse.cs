namespace ControlPlane.Api.Contracts;

/// <summary>The warm pool (<c>GET /v1/pool</c>): its own figure, apart from the tenants it never appears among.</summary>
/// <param name="Size">The configured size (<c>ControlPlane:Tenants:WarmPoolSize</c>); 0 keeps no pool.</param>
/// <param name="Ready">Schemas built at the current catalogue, free for onboarding to claim.</param>
/// <param name="Refilling">Schemas being built now.</param>
/// <param name="Stale">Schemas at an older catalogue: never claimed, dropped and replaced.</param>
/// <param name="CatalogueVersion">The version a claimable schema is migrated to.</param>
public sealed record WarmPoolResponse(int Size, int Ready, int Refilling, int Stale, int CatalogueVersion);
