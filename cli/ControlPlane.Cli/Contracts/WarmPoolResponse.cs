namespace ControlPlane.Cli.Contracts;

/// <summary><c>GET /v1/pool</c>: the warm pool's figures.</summary>
internal sealed record WarmPoolResponse(int Size, int Ready, int Refilling, int Stale, int CatalogueVersion);
