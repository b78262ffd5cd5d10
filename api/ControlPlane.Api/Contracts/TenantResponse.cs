using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>
/// A tenant, as <c>GET /v1/tenants/{slug}</c> returns it. <c>LockWait</c> is set while a unit of its DDL waits to be
/// tried again after a lock timeout.
/// <c>PurgeAt</c> is set while the tenant is Retained: when it is purged unless resumed.
/// <c>Tier</c> is <c>schema</c> or <c>pooled</c>; for a pooled tenant <c>Schema</c> is the shared pooled schema.
/// <c>Move</c> is set while a move between tiers runs.
/// </summary>
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
    IReadOnlyDictionary<string, string> Labels,
    TenantLockWaitResponse? LockWait = null,
    DateTimeOffset? PurgeAt = null,
    string Tier = "schema",
    TenantMoveResponse? Move = null)
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
        tenant.Labels,
        tenant.LockWait is { } wait ? new TenantLockWaitResponse(wait.Tries, wait.Since, wait.LastError, wait.Step) : null,
        tenant.PurgeAt,
        tenant.Tier.ToText(),
        TenantMoveResponse.From(tenant.Move));
}

/// <summary>A unit of the tenant's DDL gave up waiting for a lock <c>Tries</c> times since <c>Since</c> and will be tried again.</summary>
public sealed record TenantLockWaitResponse(int Tries, DateTimeOffset Since, string LastError, ProvisioningStep? Step);

/// <summary>One entry of a tenant's timeline.</summary>
public sealed record TenantEventResponse(DateTimeOffset At, TenantStatus? From, TenantStatus To, ProvisioningStep? Step, string? Detail, int Attempt);

/// <summary>An applied migration whose file changed (or vanished, or was added below the applied versions).</summary>
public sealed record MigrationDriftResponse(int Version, string? AppliedChecksum, string? CurrentChecksum);
