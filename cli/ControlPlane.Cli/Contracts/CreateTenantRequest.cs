namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/tenants</c>.</summary>
internal sealed record CreateTenantRequest(
    string Slug, string DisplayName, IReadOnlyDictionary<string, string?>? Labels = null, string? CloneFrom = null, ImportFromRequest? ImportFrom = null, string? Tier = null);

/// <summary>The <c>importFrom</c> member of <c>POST /v1/tenants</c>.</summary>
internal sealed record ImportFromRequest(string Schema);

/// <summary>Body of <c>POST /v1/tenants/adopt</c>.</summary>
internal sealed record AdoptTenantRequest(string Slug, string DisplayName, string Schema, int BaselineVersion);

/// <summary>Body of <c>PATCH /v1/tenants/{slug}</c>: a merge patch of labels (null removes a key).</summary>
internal sealed record UpdateTenantRequest(IReadOnlyDictionary<string, string?> Labels);
