namespace ControlPlane.Grains.Telemetry;

/// <summary>The attribute names that spans, metrics and log scopes share, so one query finds a tenant everywhere.</summary>
public static class TelemetryTags
{
    public const string TenantId = "tenant.id";

    public const string TenantSchema = "tenant.schema";

    /// <summary>The prefix of a tenant's schema name (<c>tenant_&lt;slug&gt;</c>, see <c>TenantSlug</c>).</summary>
    public const string SchemaPrefix = "tenant_";

    public const string MigrationVersion = "migration.version";

    public const string RolloutId = "rollout.id";

    public const string Outcome = "outcome";

    public const string TenantState = "tenant.state";
}
