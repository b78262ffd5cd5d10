using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Silo.Cluster;

/// <summary>
/// Warns when the live silos' connection budgets add up to more than the server accepts: the cluster would then fail
/// with "too many clients" under load rather than queue inside each silo's budget. Every silo is assumed to have this
/// silo's budget (silos of one deployment share their configuration).
/// </summary>
internal sealed partial class ClusterConnectionCheck(
    ControlPlaneDataSources dataSources,
    IOptions<DatabaseOptions> database,
    IOptions<TenantModelOptions> tenants,
    IOptions<ControlPlane.Grains.Pooled.PooledOptions> pooled,
    IOptions<FenceOptions> fence,
    ILogger<ClusterConnectionCheck> logger)
{
    /// <summary>Connections one silo may open: registry pool, work connections, every tenant pool together, and the pooled tier's pool.</summary>
    public int Budget => database.Value.RegistryPoolSize + database.Value.WorkConnections + tenants.Value.MaxConnections + pooled.Value.PoolSize;

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSources.Registry.CreateCommand(
            $"""
            SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int,
                   1 + (SELECT count(*)::int FROM orleans.membership m WHERE {LeaseFence.IsLive("m.silo_key", "$1")})
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = fence.Value.HeartbeatExpiry });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (available, silos) = (reader.GetInt32(0), reader.GetInt32(1));
        if (silos * Budget > available)
        {
            LogOverBudget(logger, silos, Budget, silos * Budget, available);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection budget: {Silos} live silos x {Budget} connections each = {Total}, more than the {Available} the server accepts (max_connections less superuser_reserved_connections); lower ControlPlane:Tenants:MaxConnections or raise max_connections")]
    private static partial void LogOverBudget(ILogger logger, int silos, int budget, int total, int available);
}
