using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The silo's one pool for pooled tenants' data calls: connections log in as the pooled data role on the pooled
/// schema. Unlike a schema-tier tenant's dedicated pool it is shared, which is the point of the tier (thousands of
/// small tenants on a few connections); <see cref="PooledTenantContext"/> decides whose rows each transaction sees.
/// With <c>ControlPlane:Tenants:PoolerHost</c> it goes through the pooler as the tenant pools do.
/// </summary>
public sealed class PooledDataSource(
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    IOptions<PooledOptions> options,
    IOptions<TenantModelOptions> tenants,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private NpgsqlDataSource? _dataSource;

    /// <summary>Opens a connection as the pooled data role (built on first use: most silos serve no pooled tenant).</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => Get().OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        NpgsqlDataSource? built;
        lock (_gate)
        {
            built = _dataSource;
            _dataSource = null;
        }

        if (built is not null)
        {
            await built.DisposeAsync();
        }
    }

    private NpgsqlDataSource Get()
    {
        lock (_gate)
        {
            return _dataSource ??= Build();
        }
    }

    private NpgsqlDataSource Build()
    {
        var schema = options.Value.Schema;
        var role = PooledNames.DataRole(schema);
        var builder = new NpgsqlConnectionStringBuilder(dataSources.AdminConnectionString)
        {
            Username = role,
            Password = passwords.For(role),
            Passfile = null,
            SearchPath = schema,
            Options = null,
            ApplicationName = $"pooled:{schema}",
            MinPoolSize = 0,
            MaxPoolSize = options.Value.PoolSize,
            ConnectionIdleLifetime = Math.Max(1, (int)tenants.Value.PoolIdleLifetime.TotalSeconds),

            // No session state is ever set: the tenant context is transaction-local, so there is nothing to reset.
            NoResetOnClose = true,
            MaxAutoPrepare = 32,
        };
        if (tenants.Value.PoolerHost is { Length: > 0 } pooler)
        {
            builder.Host = pooler;
            builder.Port = tenants.Value.PoolerPort;
            builder.SearchPath = null;
            builder.MaxAutoPrepare = 0;
        }

        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = $"pooled:{schema}" }
            .UseLoggerFactory(loggerFactory)
            .TraceOnlyWithinSpans()
            .ConfigureTypeLoading(types => types.EnableTypeLoading(false))
            .Build();
    }
}
