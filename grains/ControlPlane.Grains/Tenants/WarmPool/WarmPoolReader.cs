using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Registry.Contracts.Tenants;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>Reads the warm pool's figures from <c>controlplane.pool_schemas</c>.</summary>
public sealed class WarmPoolReader(ControlPlaneDataSources dataSources, MigrationCatalog catalog, IOptions<TenantModelOptions> options) : IWarmPoolReader
{
    public async Task<WarmPoolFigures> GetAsync(CancellationToken cancellationToken)
    {
        var set = catalog.Current();
        var (ready, building, stale) = await WarmPoolRows.CountAsync(dataSources.Registry, set, cancellationToken);
        return new WarmPoolFigures(options.Value.WarmPoolSize, ready, building, stale, set.LatestVersion);
    }
}
