namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/tenants/adopt</c>: register a schema another tool created as a tenant, without moving its data.</summary>
/// <param name="Slug">The new tenant's slug; the schema is renamed to <c>tenant_&lt;slug&gt;</c>.</param>
/// <param name="DisplayName">Shown to people.</param>
/// <param name="Schema">The existing schema.</param>
/// <param name="BaselineVersion">The catalogue version the schema is at: its structure must be what versions 1..N produce.</param>
public sealed record AdoptTenantRequest(string? Slug, string? DisplayName, string? Schema, int? BaselineVersion);
