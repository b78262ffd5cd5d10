using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>A tenant, as <c>GET /v1/tenants/{slug}</c> returns it.</summary>
public sealed record TenantResponse(
    string Slug,
    string DisplayName,
    string Schema,
    string Role,
    TenantStatus State,
    int MigrationVersion,
    int Attempts,
    ProvisioningStep? FailedStep,
    string? LastError,
    DateTimeOffset? NextRetryAt,
    long Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TenantEventResponse> Timeline,
    IReadOnlyList<MigrationDriftResponse> Drift,
    IReadOnlyDictionary<string, string> Labels)
{
    public static TenantResponse From(TenantSnapshot tenant) => new(
        tenant.Slug,
        tenant.DisplayName,
        tenant.Schema,
        tenant.Role,
        tenant.Status,
        tenant.MigrationVersion,
        tenant.Attempts,
        tenant.FailedStep,
        tenant.LastError,
        tenant.NextRetryAt,
        tenant.Etag,
        tenant.CreatedAt,
        tenant.UpdatedAt,
        [.. tenant.Timeline.Select(e => new TenantEventResponse(e.At, e.From, e.To, e.Step, e.Detail, e.Attempt))],
        [.. tenant.Drift.Select(d => new MigrationDriftResponse(d.Version, d.AppliedChecksum, d.CurrentChecksum))],
        tenant.Labels);
}

/// <summary>One entry of a tenant's timeline.</summary>
public sealed record TenantEventResponse(DateTimeOffset At, TenantStatus? From, TenantStatus To, ProvisioningStep? Step, string? Detail, int Attempt);

/// <summary>An applied migration whose file changed (or vanished, or was added below the applied versions).</summary>
public sealed record MigrationDriftResponse(int Version, string? AppliedChecksum, string? CurrentChecksum);
