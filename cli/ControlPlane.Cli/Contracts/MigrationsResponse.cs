namespace ControlPlane.Cli.Contracts;

/// <summary>The migration catalogue and the tenants per version (<c>GET /v1/migrations</c>).</summary>
internal sealed record MigrationsResponse(int LatestVersion, IReadOnlyList<MigrationResponse> Migrations, IReadOnlyDictionary<string, long>? TenantsByVersion);

/// <summary>One migration file, the tenants exactly at its version, and its lint findings (absent from an older server).</summary>
internal sealed record MigrationResponse(int Version, string Name, string Checksum, bool Transactional, long Tenants, IReadOnlyList<LintFindingResponse>? Lint = null);
