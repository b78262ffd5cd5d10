namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/tenants</c>.</summary>
internal sealed record CreateTenantRequest(string Slug, string DisplayName, IReadOnlyDictionary<string, string?>? Labels = null);

/// <summary>Body of <c>PATCH /v1/tenants/{slug}</c>: a merge patch of labels (null removes a key).</summary>
internal sealed record UpdateTenantRequest(IReadOnlyDictionary<string, string?> Labels);
