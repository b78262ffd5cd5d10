namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/tenants</c>.</summary>
/// <param name="Slug">Lower-case letter first, then a-z, 0-9 or '_'; the schema becomes <c>tenant_&lt;slug&gt;</c>.</param>
/// <param name="DisplayName">Shown to people; the seed data is personalised with it.</param>
/// <param name="Labels">Labels to start with (<c>{"plan":"free","region":"eu"}</c>); ignored when the tenant already exists (use PATCH).</param>
public sealed record CreateTenantRequest(string? Slug, string? DisplayName, IReadOnlyDictionary<string, string?>? Labels = null);
