namespace ControlPlane.Cli.Contracts;

/// <summary>A tenant's backup as the API shows it (kind and state as strings, so a newer server's values still print).</summary>
internal sealed record BackupResponse(
    string Id,
    string Kind,
    string Tier,
    string State,
    int? MigrationVersion,
    DateTimeOffset RequestedAt,
    DateTimeOffset? TakenAt,
    long? Size,
    string? Sha256,
    string? Error,
    IReadOnlyDictionary<string, long>? TableRows);

/// <summary><c>GET /v1/tenants/{slug}/backups</c>, newest first.</summary>
internal sealed record BackupListResponse(IReadOnlyList<BackupResponse> Items);

/// <summary>Body of <c>POST /v1/tenants/{slug}/restore</c>.</summary>
internal sealed record RestoreRequest(string BackupId);

/// <summary>A finished restore.</summary>
internal sealed record RestoreResponse(string Id, string BackupId, int MigrationVersion, string? ReplacedBackupId, IReadOnlyDictionary<string, long>? TableRows);
