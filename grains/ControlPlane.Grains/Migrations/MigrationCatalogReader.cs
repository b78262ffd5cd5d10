using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations.Lint;
using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations;

/// <summary>The catalogue as the folder holds it now, with how many live tenants are at each version and each file's lint findings.</summary>
public sealed class MigrationCatalogReader(ControlPlaneDataSources dataSources, MigrationCatalog catalog, MigrationLint lint) : IMigrationCatalogReader
{
    public async Task<MigrationCatalogView> ReadAsync(CancellationToken cancellationToken)
    {
        var set = catalog.Current();
        var byVersion = new Dictionary<int, long>();
        await using (var command = dataSources.Registry.CreateCommand(
            "SELECT migration_version, count(*) FROM controlplane.tenants WHERE state <> 'Deleted' GROUP BY migration_version"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                byVersion[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        var findings = lint.Of(set);
        return new MigrationCatalogView(
            set.LatestVersion,
            [.. set.Scripts.Select(s => new MigrationCatalogEntry(s.Version, s.Name, s.Checksum, s.Transactional, byVersion.GetValueOrDefault(s.Version), findings[s.Version]))],
            byVersion);
    }
}
