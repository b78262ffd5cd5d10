using System.Text.RegularExpressions;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The names that go with a pooled schema, derived from it so that a silo, a test and an operator all find the same
/// roles: <c>&lt;schema&gt;_owner</c> owns the tables (never logs in), <c>&lt;schema&gt;_data</c> is the login every
/// pooled tenant's data calls use (owns nothing, no <c>BYPASSRLS</c>).
/// </summary>
public static partial class PooledNames
{
    /// <summary>The setting the tenant context is kept in, transaction-local (see <see cref="PooledTenantContext"/>).</summary>
    public const string ContextSetting = "controlplane.tenant_id";

    /// <summary>The policy the control plane puts on every pooled table with a tenant_id column.</summary>
    public const string PolicyName = "tenant_isolation";

    /// <summary>The control table of pooled tenants (tenant_id, suspended) that the policies read.</summary>
    public const string TenantsTable = "tenants";

    public static string OwnerRole(string schema) => schema + "_owner";

    public static string DataRole(string schema) => schema + "_data";

    /// <summary>Checks a configured schema name; null when it is fine, else why not.</summary>
    public static string? Invalid(string? schema) => schema switch
    {
        null or "" => "is required",
        _ when !SchemaPattern().IsMatch(schema) => "must be a lower-case identifier of at most 57 characters (letters, digits, underscores, starting with a letter)",
        _ when schema.StartsWith("tenant_", StringComparison.Ordinal) => "may not start with tenant_ (those names belong to schema-tier tenants)",
        "controlplane" or "public" => "may not be controlplane or public",
        _ when schema.StartsWith("pg_", StringComparison.Ordinal) => "may not start with pg_",
        _ => null,
    };

    // 57 leaves room for the _owner suffix within PostgreSQL's 63-byte names.
    [GeneratedRegex("^[a-z][a-z0-9_]{0,56}$")]
    private static partial Regex SchemaPattern();
}
