using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Tenants;

/// <summary>The settings a tenant grain reads, validated at start (each from its own configuration section).</summary>
public sealed class TenantGrainSettings(
    IOptions<ProvisioningOptions> provisioning,
    IOptions<FenceOptions> fence,
    IOptions<DatabaseOptions> database,
    IOptions<TenantModelOptions> tenantModel)
{
    public ProvisioningOptions Provisioning => provisioning.Value;

    /// <summary>How long a lease holder's heartbeat counts.</summary>
    public TimeSpan HeartbeatExpiry => fence.Value.HeartbeatExpiry;

    public DatabaseOptions Database => database.Value;

    public TenantModelOptions TenantModel => tenantModel.Value;
}
