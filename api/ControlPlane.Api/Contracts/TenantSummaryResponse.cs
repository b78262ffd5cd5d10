using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>A tenant in a listing (no timeline).</summary>
public sealed record TenantSummaryResponse(
    string Slug,
    string DisplayName,
    string Schema,
    TenantStatus State,
    int MigrationVersion,
    int Attempts,
    ProvisioningStep? FailedStep,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? PurgeAt = null,
    string Tier = "schema")
{
    public static TenantSummaryResponse From(TenantSnapshot tenant) => new(
        tenant.Slug, tenant.DisplayName, tenant.Schema, tenant.Status, tenant.MigrationVersion, tenant.Attempts,
        tenant.FailedStep, tenant.LastError, tenant.CreatedAt, tenant.UpdatedAt, tenant.Labels, tenant.PurgeAt, tenant.Tier.ToText());
}

/// <summary>A page of tenants; pass <see cref="Next"/> as <c>after</c> for the next page (null on the last).</summary>
public sealed record TenantListResponse(IReadOnlyList<TenantSummaryResponse> Items, string? Next);
