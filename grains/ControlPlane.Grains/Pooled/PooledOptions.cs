namespace ControlPlane.Grains.Pooled;

/// <summary>The pooled tier (configuration section <c>ControlPlane:Pooled</c>; docs/tiers.md).</summary>
public sealed class PooledOptions
{
    public const string SectionName = "ControlPlane:Pooled";

    /// <summary>
    /// The shared schema every pooled tenant's rows live in. Not <c>tenant_</c>-prefixed (those names belong to the
    /// schema tier's tenants) and never <c>controlplane</c>. Give every silo of a cluster the same value.
    /// </summary>
    public string Schema { get; set; } = "pooled_tenants";

    /// <summary>
    /// The pooled catalogue: versioned migrations of the shared schema, numbered like the schema tier's catalogue so a
    /// tenant's version means the same model in either tier. Default: the example model adapted (tenant_id on every table).
    /// </summary>
    public string MigrationsPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "PooledModel", "migrations");

    /// <summary>
    /// The seed run once per pooled tenant with its tenant context set. Default: the schema tier's seed, which runs
    /// unchanged because every pooled tenant_id column defaults to the context.
    /// </summary>
    public string SeedPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "TenantModel", "seed.sql");

    /// <summary>
    /// The policy mode the shared schema is created in. Afterwards the schema itself holds the mode, switched with
    /// <c>POST /v1/pooled/policies/enforce</c> or <c>.../shadow</c>.
    /// </summary>
    public PooledPolicyMode Mode { get; set; } = PooledPolicyMode.Enforced;

    /// <summary>Connections of the silo's one pool for pooled tenants' data calls (all pooled tenants share it).</summary>
    public int PoolSize { get; set; } = 8;
}
