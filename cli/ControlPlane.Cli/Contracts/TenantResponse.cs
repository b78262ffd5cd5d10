namespace ControlPlane.Cli.Contracts;

/// <summary>A tenant as <c>GET /v1/tenants/{slug}</c> returns it. States stay strings: a newer server may add some.</summary>
internal sealed record TenantResponse(
    string Slug,
    string DisplayName,
    string Schema,
    string Role,
    string State,
    int MigrationVersion,
    int Attempts,
    string? FailedStep,
    string? LastError,
    DateTimeOffset? NextRetryAt,
    long Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TenantEventResponse>? Timeline,
    IReadOnlyList<MigrationDriftResponse>? Drift,
    TenantLockWaitResponse? LockWait = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    DateTimeOffset? PurgeAt = null,
    string Tier = "schema",
    TenantMoveResponse? Move = null);

/// <summary>A move between tiers in progress: the target tier, its phase (Preparing, Copying, Removing) and when it was asked.</summary>
internal sealed record TenantMoveResponse(string Tier, string Phase, DateTimeOffset StartedAt);

/// <summary>One entry of a tenant's timeline.</summary>
internal sealed record TenantEventResponse(DateTimeOffset At, string? From, string To, string? Step, string? Detail, int Attempt);

/// <summary>A unit of the tenant's DDL gave up waiting for a lock <c>Tries</c> times and will be tried again.</summary>
internal sealed record TenantLockWaitResponse(int Tries, DateTimeOffset Since, string LastError, string? Step);

/// <summary>An applied migration whose file changed since.</summary>
internal sealed record MigrationDriftResponse(int Version, string? AppliedChecksum, string? CurrentChecksum);
