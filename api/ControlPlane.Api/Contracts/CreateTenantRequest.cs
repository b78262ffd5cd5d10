namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/tenants</c>.</summary>
/// <param name="Slug">Lower-case letter first, then a-z, 0-9 or '_'; the schema becomes <c>tenant_&lt;slug&gt;</c>.</param>
/// <param name="DisplayName">Shown to people; the seed data is personalised with it.</param>
/// <param name="Labels">Labels to start with (<c>{"plan":"free","region":"eu"}</c>); ignored when the tenant already exists (use PATCH).</param>
/// <param name="CloneFrom">An Active tenant whose data the new tenant copies instead of the seed (a clone, e.g. a sandbox).</param>
/// <param name="ImportFrom">A schema of the same database whose tables of the model the new tenant copies (an import).</param>
/// <param name="Tier"><c>schema</c> (its own schema and role) or <c>pooled</c> (rows in shared tables under row-level security); default <c>ControlPlane:Tenants:DefaultTier</c>.</param>
public sealed record CreateTenantRequest(
    string? Slug, string? DisplayName, IReadOnlyDictionary<string, string?>? Labels = null, string? CloneFrom = null, ImportFromRequest? ImportFrom = null,
    string? Tier = null);

/// <summary>The <c>importFrom</c> member of <c>POST /v1/tenants</c>.</summary>
/// <param name="Schema">The existing schema to copy the model's tables from; it is only read.</param>
public sealed record ImportFromRequest(string? Schema);
