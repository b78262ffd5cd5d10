namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>A migration of the catalogue, how many tenants are exactly at its version, and what the lint found in it.</summary>
public sealed record MigrationCatalogEntry(int Version, string Name, string Checksum, bool Transactional, long TenantsAtVersion, IReadOnlyList<LintFinding> Lint);

/// <summary>The catalogue as listed: migrations, and tenants per version (including versions no longer in the catalogue).</summary>
public sealed record MigrationCatalogView(int LatestVersion, IReadOnlyList<MigrationCatalogEntry> Migrations, IReadOnlyDictionary<int, long> TenantsByVersion);

/// <summary>Reads the migration catalogue with the tenants' versions.</summary>
public interface IMigrationCatalogReader
{
    Task<MigrationCatalogView> ReadAsync(CancellationToken cancellationToken);
}
