using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ControlPlane.Grains.Telemetry;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Builds a tenant's dedicated pool: connections log in as the tenant's own role with the tenant's schema as
/// the startup <c>search_path</c> (and the role's own setting), so they are on the right schema before any query and
/// <c>DISCARD ALL</c> cannot undo it. With <c>ControlPlane:Tenants:PoolerHost</c> they go through a pooler instead.
/// </summary>
public sealed class TenantPoolFactory(
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    TenantPoolBudget budget,
    IOptions<TenantModelOptions> options,
    ILoggerFactory loggerFactory)
{
    public TenantPool Create(TenantSlug slug) => new(slug.Value, () => Build(slug), budget);

    private NpgsqlDataSource Build(TenantSlug slug)
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

            // A tenant's connection carries nothing worth resetting between uses: its role and schema are fixed at login
            // and our code sets no session state. Skipping DISCARD ALL saves work on every request and keeps the
            // statements auto-prepared for a tenant's repeated queries.
            NoResetOnClose = true,
            MaxAutoPrepare = 16,
        };
        if (options.Value.PoolerHost is { Length: > 0 } pooler)
        {
            // Through a transaction-mode pooler a client's session is not its own: no startup search path (the role's
            // setting gives every server connection its schema), no reset on close (the pooler owns server state).
            builder.Host = pooler;
            builder.Port = options.Value.PoolerPort;
            builder.SearchPath = null;
            builder.NoResetOnClose = true;

            // Prepared statements live on a server connection, which the next transaction may not get.
            builder.MaxAutoPrepare = 0;
        }

        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = $"tenant:{slug.Value}" }
            .UseLoggerFactory(loggerFactory)
            .TraceOnlyWithinSpans()

            // A new data source's first connection otherwise loads the whole type catalogue (~70 ms at a few hundred
            // schemas, growing with every tenant); tenant schemas use built-in types only.
            .ConfigureTypeLoading(types => types.EnableTypeLoading(false))
            .Build();
    }
}
