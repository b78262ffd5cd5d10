using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Pooled;

/// <summary>The pooled tier's own catalogue of versioned, checksummed migrations (<c>ControlPlane:Pooled:MigrationsPath</c>).</summary>
public sealed class PooledCatalog(IOptions<PooledOptions> options)
{
    public MigrationCatalog Migrations { get; } = new(() => options.Value.MigrationsPath, "ControlPlane:Pooled:MigrationsPath");
}
