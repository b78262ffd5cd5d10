namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/tenants/{slug}/move</c>.</summary>
/// <param name="Tier">The tier to move to: <c>schema</c> (its own schema and role) or <c>pooled</c> (rows in the shared tables).</param>
public sealed record MoveTenantRequest(string? Tier);
