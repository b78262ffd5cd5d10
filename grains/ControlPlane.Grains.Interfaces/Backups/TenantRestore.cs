using Orleans;

namespace ControlPlane.Grains.Backups;

/// <summary>A finished restore: what was restored, and where the data it replaced was kept.</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantRestore")]
public sealed record TenantRestore
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public required string BackupId { get; init; }

    /// <summary>The tenant's migration version after the swap (the backup's).</summary>
    [Id(2)]
    public required int MigrationVersion { get; init; }

    /// <summary>The backup that holds the data the restore replaced.</summary>
    [Id(3)]
    public string? ReplacedBackupId { get; init; }

    /// <summary>Rows per table in the restored schema, checked against the backup's record before the swap.</summary>
    [Id(4)]
    public IReadOnlyDictionary<string, long> TableRows { get; init; } = new Dictionary<string, long>();
}
