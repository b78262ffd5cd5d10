using ControlPlane.Grains.Backups;

namespace ControlPlane.Api.Contracts;

/// <summary>A tenant's backup. <c>size</c> is in bytes; <c>sha256</c> is the file's checksum, verified before a restore.</summary>
public sealed record BackupResponse(
    string Id,
    BackupKind Kind,
    string Tier,
    BackupState State,
    int? MigrationVersion,
    DateTimeOffset RequestedAt,
    DateTimeOffset? TakenAt,
    long? Size,
    string? Sha256,
    string? Error,
    IReadOnlyDictionary<string, long> TableRows)
{
    public static BackupResponse From(TenantBackup backup) => new(
        backup.Id, backup.Kind, backup.Tier, backup.State, backup.MigrationVersion, backup.RequestedAt, backup.TakenAt,
        backup.SizeBytes, backup.Sha256, backup.Error, backup.TableRows);
}

/// <summary>A tenant's backups, newest first.</summary>
public sealed record BackupListResponse(IReadOnlyList<BackupResponse> Items);

/// <summary>Body of <c>POST /v1/tenants/{slug}/restore</c>.</summary>
public sealed record RestoreRequest(string? BackupId);

/// <summary>A finished restore: the tenant's version is now the backup's; the data it replaced is <c>replacedBackupId</c>.</summary>
public sealed record RestoreResponse(string Id, string BackupId, int MigrationVersion, string? ReplacedBackupId, IReadOnlyDictionary<string, long> TableRows)
{
    public static RestoreResponse From(TenantRestore restore) =>
        new(restore.Id, restore.BackupId, restore.MigrationVersion, restore.ReplacedBackupId, restore.TableRows);
}
