namespace ControlPlane.Cli.Contracts;

/// <summary>A page of <c>GET /v1/tenants</c>; <see cref="Next"/> is the opaque cursor of the following page.</summary>
internal sealed record TenantListResponse(IReadOnlyList<TenantSummaryResponse> Items, string? Next);

/// <summary>A tenant in a listing.</summary>
internal sealed record TenantSummaryResponse(
    string Slug,
    string DisplayName,
    string Schema,
    string State,
    int MigrationVersion,
    int Attempts,
    string? FailedStep,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, string>? Labels = null,
    string Tier = "schema");
