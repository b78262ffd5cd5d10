using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ControlPlane.Silo.Hosting;

/// <summary>Ready means the registry answers and its schema is the version this silo was built for.</summary>
internal sealed class RegistryHealthCheck(ControlPlaneDataSources dataSources) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
            var version = await RegistrySchema.GetVersionAsync(connection, null, cancellationToken);
            return version == RegistrySchema.CurrentVersion
                ? HealthCheckResult.Healthy($"registry at version {version}")
                : HealthCheckResult.Unhealthy($"registry at version {version}, this silo needs {RegistrySchema.CurrentVersion}");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("registry unreachable", ex);
        }
    }
}
