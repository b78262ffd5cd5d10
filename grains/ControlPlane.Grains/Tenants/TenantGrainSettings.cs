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
    IOptions<TenantModelOptions> tenantModel,
    IOptions<MigrationOptions> migrations)
{
    public ProvisioningOptions Provisioning => provisioning.Value;

    /// <summary>How long a lease holder's heartbeat counts.</summary>
    public TimeSpan HeartbeatExpiry => fence.Value.HeartbeatExpiry;

    public DatabaseOptions Database => database.Value;

    public TenantModelOptions TenantModel => tenantModel.Value;

    /// <summary>The retention of a delete that names none (validated at start, so it parses).</summary>
    public TimeSpan DeleteRetention => RetentionPeriod.TryParse(tenantModel.Value.DeleteRetention, out var period, out _) ? period : TimeSpan.Zero;

    /// <summary>Lock and statement timeouts of tenant DDL, and how often a unit is tried after a lock timeout.</summary>
    public MigrationOptions Migrations => migrations.Value;
}
