namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/tenants</c>.</summary>
internal sealed record CreateTenantRequest(string Slug, string DisplayName);
