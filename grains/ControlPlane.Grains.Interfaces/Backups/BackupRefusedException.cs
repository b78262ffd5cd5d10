using Orleans;

namespace ControlPlane.Grains.Backups;

/// <summary>A backup cannot be restored (bad checksum, newer than the catalogue, not complete); answered as 409 with the reason.</summary>
[GenerateSerializer, Alias("cp.BackupRefusedException")]
public sealed class BackupRefusedException(string backupId, string reason, string message) : Exception(message)
{
    [Id(0)]
    public string BackupId { get; } = backupId;

    /// <summary>A short machine-readable reason: <c>checksum</c>, <c>version</c>, <c>state</c>, <c>missing</c>.</summary>
    [Id(1)]
    public string Reason { get; } = reason;
}

/// <summary>No backup with this id belongs to the tenant (answered as 404).</summary>
[GenerateSerializer, Alias("cp.BackupNotFoundException")]
public sealed class BackupNotFoundException(string slug, string backupId) : Exception($"Tenant '{slug}' has no backup '{backupId}'.")
{
    [Id(0)]
    public string BackupId { get; } = backupId;
}
