namespace ControlPlane.Grains.Migrations;

/// <summary>Where the tenant model comes from (configuration section <c>ControlPlane:Tenants</c>).</summary>
public sealed class TenantModelOptions
{
    public const string SectionName = "ControlPlane:Tenants";

    /// <summary>
    /// How long <c>DELETE /v1/tenants/{slug}</c> retains a tenant when the request gives no <c>retainFor</c>: an ISO 8601
    /// duration (<c>P30D</c>); <c>0</c> (the default) deletes at once.
    /// </summary>
    public string DeleteRetention { get; set; } = "0";

    /// <summary>
    /// How often a Retained tenant's purge reminder ticks again after its first tick at the purge time, in case that one
    /// was missed or came early. At least Orleans' reminder floor (one minute unless lowered).
    /// </summary>
    public TimeSpan PurgeCheckPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Folder of versioned migrations (<c>V0001__base.sql</c>, ...). Default: the example base model shipped with the silo.</summary>
    public string MigrationsPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations");

    /// <summary>The seed script run once per tenant after its migrations. Default: the example model's seed.</summary>
    public string SeedPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "TenantModel", "seed.sql");

    /// <summary>Maximum connections of one tenant's dedicated pool.</summary>
    public int PoolSize { get; set; } = 2;

    /// <summary>
    /// The most tenant connections one silo may hold across all its tenant pools. The cluster's total
    /// (silos x (this + registry and work connections)) must stay under PostgreSQL's <c>max_connections</c>.
    /// </summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>Idle connections of a tenant pool are closed after this long.</summary>
    public TimeSpan PoolIdleLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a tenant grain trusts its cached "is this tenant Active" before reading the registry again. Changes
    /// announced on the change feed (any silo's suspend, resume, delete) drop the cache at once; this bounds the rest.
    /// </summary>
    public TimeSpan StatusMaxAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A connection pooler (e.g. PgBouncer in transaction mode) that tenant pools connect through instead of the
    /// server; null connects directly. Through a pooler no startup search path is sent (poolers refuse or drop it):
    /// the role's own setting gives each server connection its schema, and server connections are pooled per role.
    /// </summary>
    public string? PoolerHost { get; set; }

    /// <summary>The pooler's port (with <see cref="PoolerHost"/>).</summary>
    public int PoolerPort { get; set; } = 6432;

    /// <summary>
    /// Schemas (with their roles) kept built and migrated to the newest catalogue ahead of onboarding, which claims one
    /// instead of building (see docs/onboarding.md). 0, the default, keeps no pool: every tenant is built. Give every
    /// silo of a cluster the same value.
    /// </summary>
    public int WarmPoolSize { get; set; }

    /// <summary>
    /// The tier a tenant is built in when its onboarding request names none: <c>schema</c> (the default: its own
    /// schema and role) or <c>pooled</c> (rows in the shared tables of <c>ControlPlane:Pooled:Schema</c>; docs/tiers.md).
    /// </summary>
    public string DefaultTier { get; set; } = "schema";

    /// <summary>Key that tenant role passwords are derived from; when unset, one is generated and kept in the registry.</summary>
    public string? RolePasswordKey { get; set; }
}
