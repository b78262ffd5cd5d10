using ControlPlane.Grains.Backups;
using ControlPlane.Grains.ApiKeys;
using ControlPlane.Grains.Audit;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Migrations.Lint;
using ControlPlane.Grains.Pooled;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Grains.TenantData;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Steps;
using ControlPlane.Grains.Tenants.WarmPool;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Registry.Contracts.ApiKeys;
using ControlPlane.Registry.Contracts.Audit;
using ControlPlane.Registry.Contracts.Migrations;
using ControlPlane.Registry.Contracts.Rollouts;
using ControlPlane.Registry.Contracts.Stats;
using ControlPlane.Registry.Contracts.Tenants;
using ControlPlane.Registry.Contracts.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace ControlPlane.Grains;

/// <summary>Registers the grains and what they run on.</summary>
public static class GrainsServiceCollectionExtensions
{
    // Each pool schema holds its tables' catalogue entries and files whether claimed or not; a pool is a buffer for bursts.
    private const int MaxWarmPoolSize = 10_000;

    /// <summary>Adds what the grains run on: the registry, the migration catalogue and the database plumbing (Orleans finds the grains themselves).</summary>
    public static IServiceCollection AddControlPlaneGrains(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .Validate(o => o.RegistryPoolSize >= 2, "ControlPlane:Database:RegistryPoolSize must be at least 2.")
            .Validate(o => o.WorkConnections >= 1, "ControlPlane:Database:WorkConnections must be at least 1.")
            .Validate(o => o.WorkConnectionMaxTenants >= 1, "ControlPlane:Database:WorkConnectionMaxTenants must be at least 1.")
            .Validate(o => o.WorkConnectionLifetime > TimeSpan.Zero, "ControlPlane:Database:WorkConnectionLifetime must be positive.")
            .ValidateOnStart();
        services.AddOptions<TenantModelOptions>().BindConfiguration(TenantModelOptions.SectionName)
            .Validate(o => TenantTiers.TryParse(o.DefaultTier, out _), "ControlPlane:Tenants:DefaultTier must be schema or pooled.")
            .Validate(o => o.PoolSize >= 1, "ControlPlane:Tenants:PoolSize must be at least 1.")
            .Validate(o => o.MaxConnections >= o.PoolSize, "ControlPlane:Tenants:MaxConnections must be at least PoolSize.")
            .Validate(o => o.PoolerPort is > 0 and < 65536, "ControlPlane:Tenants:PoolerPort must be a TCP port.")
            .Validate(o => o.WarmPoolSize is >= 0 and <= MaxWarmPoolSize, $"ControlPlane:Tenants:WarmPoolSize must be between 0 and {MaxWarmPoolSize}.")
            .Validate(o => RetentionPeriod.TryParse(o.DeleteRetention, out _, out _), "ControlPlane:Tenants:DeleteRetention must be an ISO 8601 duration (P30D) or 0.")
            .Validate(o => o.PurgeCheckPeriod > TimeSpan.Zero, "ControlPlane:Tenants:PurgeCheckPeriod must be positive.")
            .ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().BindConfiguration(ProvisioningOptions.SectionName)
            .Validate(o => o.MaxAttempts >= 1, "ControlPlane:Provisioning:MaxAttempts must be at least 1.")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "ControlPlane:Provisioning:SweepInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<MigrationOptions>().BindConfiguration(MigrationOptions.SectionName)
            .Validate(o => o.LockTimeout >= TimeSpan.FromMilliseconds(1), "ControlPlane:Migrations:LockTimeout must be at least 1 ms (0 would wait forever).")
            .Validate(o => o.LockTries >= 1, "ControlPlane:Migrations:LockTries must be at least 1.")
            .Validate(o => o.LockRetryBaseDelay >= TimeSpan.Zero && o.LockRetryMaxDelay >= o.LockRetryBaseDelay, "ControlPlane:Migrations:LockRetryMaxDelay must be at least LockRetryBaseDelay, and neither negative.")
            .Validate(o => o.StatementTimeout >= TimeSpan.Zero, "ControlPlane:Migrations:StatementTimeout may not be negative (zero: no limit).")
            .ValidateOnStart();
        services.AddOptions<FenceOptions>().BindConfiguration(FenceOptions.SectionName)
            .Validate(o => o.HeartbeatExpiry >= TimeSpan.FromSeconds(1), "ControlPlane:Fence:HeartbeatExpiry must be at least one second.")
            .ValidateOnStart();
        services.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.SectionName)
            .Validate<IOptions<ReminderOptions>>(
                (o, reminders) => o.ScheduleCheckPeriod >= reminders.Value.MinimumReminderPeriod,
                "ControlPlane:Rollouts:ScheduleCheckPeriod must be at least Orleans:ReminderService:MinimumReminderPeriod (Orleans refuses a shorter reminder period).")
            .Validate(o => o.GroupSize is >= 1 and <= 64, "ControlPlane:Rollouts:GroupSize must be between 1 (no groups) and 64.")
            .Validate(o => o.GroupHoldLimit > TimeSpan.Zero, "ControlPlane:Rollouts:GroupHoldLimit must be positive.")
            .ValidateOnStart();

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName)
            .Validate(o => o.RetryFor > TimeSpan.Zero, "ControlPlane:Webhooks:RetryFor must be positive.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay, "ControlPlane:Webhooks:RetryBaseDelay must be positive and at most RetryMaxDelay.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "ControlPlane:Webhooks:Timeout and PollInterval must be positive.")
            .Validate(o => o.MaxParallel >= 1, "ControlPlane:Webhooks:MaxParallel must be at least 1.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<ControlPlaneDataSources>();
        services.AddSingleton<WorkConnectionBudget>();
        services.AddSingleton<TenantRolePasswords>();
        services.AddSingleton<RegistrySchema>();
        services.AddSingleton<SiloIdentity>();
        services.AddSingleton(sp => new MigrationCatalog(sp.GetRequiredService<IOptions<TenantModelOptions>>()));
        services.AddSingleton<SeedScript>();
        services.AddSingleton<TenantPoolBudget>();
        services.AddSingleton<TenantPoolFactory>();
        services.AddSingleton<TenantGrainSettings>();
        services.AddSingleton<Tenants.Groups.MigrationGroups>();
        services.AddSingleton<DueTenantWork>();
        services.AddSingleton<ITenantRegistryReader, TenantRegistryReader>();
        services.AddSingleton<IFleetStats, FleetStats>();
        services.AddSingleton<TenantChangeFeed>();
        services.AddSingleton<ITenantChangeWaiter>(sp => sp.GetRequiredService<TenantChangeFeed>());
        services.AddSingleton<CreateSchemaStep>();
        services.AddSingleton<BuildStep>();
        services.AddSingleton<MigrateStep>();
        services.AddSingleton<SeedStep>();
        services.AddSingleton<CopyStep>();
        services.AddSingleton<ControlPlane.Grains.Tenants.Copies.CopySourceCheck>();
        services.AddSingleton<ControlPlane.Grains.Tenants.Copies.SchemaAdoption>();
        services.AddSingleton<DeprovisionStep>();
        services.AddSingleton<ClaimFromPoolStep>();
        services.AddSingleton<WarmPoolRefiller>();
        services.AddSingleton<IWarmPoolReader, WarmPoolReader>();
        services.AddSingleton<ControlPlane.Grains.Tenants.Moves.TenantMoveSteps>();
        services.AddSingleton<TenantSteps>();
        services.AddOptions<PooledOptions>().BindConfiguration(PooledOptions.SectionName)
            .Validate(o => PooledNames.Invalid(o.Schema) is null, "ControlPlane:Pooled:Schema must be a lower-case identifier of at most 57 characters, not starting with tenant_ or pg_, and not controlplane or public.")
            .Validate(o => o.PoolSize >= 1, "ControlPlane:Pooled:PoolSize must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<PooledCatalog>();
        services.AddSingleton<PooledStore>();
        services.AddSingleton<PooledSteps>();
        services.AddSingleton<PooledDataSource>();
        services.AddSingleton<PooledTables>();
        services.AddSingleton<PooledTier>();
        services.AddSingleton<ControlPlane.Registry.Contracts.Pooled.IPooledPolicies, PooledPolicyControl>();
        services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.SectionName)
            .Validate(o => o.RetainCount >= 0, "ControlPlane:Backups:RetainCount may not be negative (zero keeps every backup).")
            .Validate(o => o.Schedule is null || o.Schedule >= TimeSpan.Zero, "ControlPlane:Backups:Schedule may not be negative (zero: no scheduled backups).")
            .ValidateOnStart();
        services.AddSingleton<BackupStore>();
        services.AddSingleton<IBackupFiles>(sp => sp.GetRequiredService<BackupStore>());
        services.AddSingleton<BackupWriter>();
        services.AddSingleton<BackupLoader>();
        services.AddSingleton<BackupHooks>();
        services.AddSingleton<TenantBackups>();
        services.AddSingleton<Orleans.ILifecycleParticipant<Orleans.Runtime.ISiloLifecycle>, BackupScheduleArming>();
        services.AddSingleton<MigrationLint>();
        services.AddSingleton<IMigrationCatalogReader, MigrationCatalogReader>();
        services.AddSingleton<IRolloutRegistry, RolloutRegistry>();
        services.AddSingleton<IApiKeyRegistry, ApiKeyRegistry>();
        services.AddSingleton<IAuditLog, RegistryAuditLog>();
        services.AddSingleton<IWebhookRegistry, WebhookRegistry>();
        return services;
    }
}
