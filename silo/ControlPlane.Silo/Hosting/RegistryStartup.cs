using ControlPlane.Api.Auth;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Silo.Cluster;
using Microsoft.Extensions.Options;

namespace ControlPlane.Silo.Hosting;

/// <summary>
/// Before anything serves: brings the registry schema up to date, loads the tenant-role password key, and joins
/// the membership table. Runs in <see cref="IHostedLifecycleService.StartingAsync"/>, ahead of the web server.
/// </summary>
internal sealed partial class RegistryStartup(
    RegistrySchema schema,
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    IOptions<TenantModelOptions> tenantModel,
    SiloIdentity silo,
    ClusterConnectionCheck connections,
    IOptions<PlatformAuthOptions> auth,
    ILogger<RegistryStartup> logger) : IHostedLifecycleService
{
    public const string RolePasswordKeySetting = "tenant_role_password_key";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var applied = await schema.UpgradeAsync(dataSources.Registry, cancellationToken);
        passwords.UseKey(tenantModel.Value.RolePasswordKey
            ?? await RegistrySettings.GetOrCreateAsync(dataSources.Registry, RolePasswordKeySetting, RegistrySettings.NewSecret, cancellationToken));
        await connections.CheckAsync(cancellationToken);
        LogReady(logger, RegistrySchema.CurrentVersion, applied, silo.SiloId, dataSources.Host, dataSources.DatabaseName);
        LogAdminKey(logger, auth.Value.AdminApiKeySource ?? "configuration (ControlPlane:Auth:AdminApiKey)");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform admin API key: from {Source}")]
    private static partial void LogAdminKey(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry at version {Version} ({Applied} upgrades applied); joining as silo {SiloId} on {Host}/{Database}")]
    private static partial void LogReady(ILogger logger, int version, int applied, string siloId, string host, string database);
}
