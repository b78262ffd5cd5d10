using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Builds a tenant's dedicated pool: connections log in as the tenant's own role with the tenant's schema as
/// the startup <c>search_path</c>, so they are on the right schema before any query and <c>DISCARD ALL</c> cannot undo it.
/// </summary>
public sealed class TenantPoolFactory(
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    IOptions<TenantModelOptions> options,
    ILoggerFactory loggerFactory)
{
    private int _open;

    /// <summary>Tenant pools currently alive in this silo.</summary>
    public int OpenPools => Volatile.Read(ref _open);

    public NpgsqlDataSource Create(TenantSlug slug)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSources.AdminConnectionString)
        {
            Username = slug.RoleName,
            Password = passwords.For(slug.RoleName),
            Passfile = null,
            SearchPath = slug.SchemaName,
            Options = null,
            ApplicationName = $"tenant:{slug.Value}",
            MinPoolSize = 0,
            MaxPoolSize = options.Value.PoolSize,
            ConnectionIdleLifetime = Math.Max(1, (int)options.Value.PoolIdleLifetime.TotalSeconds),
        };
        Interlocked.Increment(ref _open);
        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = $"tenant:{slug.Value}" }
            .UseLoggerFactory(loggerFactory)
            .Build();
    }

    /// <summary>Disposes a pool made here, closing its idle connections.</summary>
    public async ValueTask ReleaseAsync(NpgsqlDataSource pool)
    {
        await pool.DisposeAsync();
        Interlocked.Decrement(ref _open);
    }
}
