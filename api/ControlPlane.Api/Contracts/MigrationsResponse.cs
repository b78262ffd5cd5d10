namespace ControlPlane.Api.Contracts;

/// <summary>The migration catalogue and where the tenants stand (<c>GET /v1/migrations</c>).</summary>
/// <param name="LatestVersion">The newest migration version.</param>
/// <param name="Migrations">Every migration file, oldest first.</param>
/// <param name="TenantsByVersion">Tenants (not deleted) at each version, including 0 and versions no longer in the folder.</param>
public sealed record MigrationsResponse(int LatestVersion, IReadOnlyList<MigrationResponse> Migrations, IReadOnlyDictionary<string, long> TenantsByVersion);

/// <summary>One migration file.</summary>
/// <param name="Version">The number after V in its file name.</param>
/// <param name="Name">The description after the double underscore.</param>
/// <param name="Checksum">SHA-256 of the file, line endings normalized.</param>
/// <param name="Transactional">False for files marked <c>-- controlplane:no-transaction</c>.</param>
/// <param name="Tenants">Tenants whose version is exactly this one.</param>
/// <param name="Lint">What the migration lint found in the file; empty when nothing.</param>
public sealed record MigrationResponse(int Version, string Name, string Checksum, bool Transactional, long Tenants, IReadOnlyList<LintFindingResponse> Lint);
