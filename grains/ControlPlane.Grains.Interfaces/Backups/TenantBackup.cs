using Orleans;

namespace ControlPlane.Grains.Backups;

/// <summary>One backup of a tenant as the registry records it.</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantBackup")]
public sealed record TenantBackup
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public required string Slug { get; init; }

    /// <summary>Why it was taken: by an operator, by the schedule, as the data a restore replaced, or at offboarding.</summary>
    [Id(2)]
    public required BackupKind Kind { get; init; }

    /// <summary><c>schema</c>: the tenant's whole schema. (A pooled tenant's backup, later, holds only its rows.)</summary>
    [Id(3)]
    public required string Tier { get; init; }

    [Id(4)]
    public required BackupState State { get; init; }

    /// <summary>The tenant's migration version in the backup's snapshot; null until the snapshot is taken.</summary>
    [Id(5)]
    public int? MigrationVersion { get; init; }

    [Id(6)]
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the snapshot was taken (the moment the data is from).</summary>
    [Id(7)]
    public DateTimeOffset? TakenAt { get; init; }

    [Id(8)]
    public long? SizeBytes { get; init; }

    /// <summary>SHA-256 of the file, lowercase hex; verified before a restore reads it.</summary>
    [Id(9)]
    public string? Sha256 { get; init; }

    [Id(10)]
    public string? Error { get; init; }

    /// <summary>Rows per table in the snapshot.</summary>
    [Id(11)]
    public IReadOnlyDictionary<string, long> TableRows { get; init; } = new Dictionary<string, long>();
}

/// <summary>Why a backup was taken.</summary>
public enum BackupKind
{
    Manual,
    Scheduled,

    /// <summary>The live data a restore replaced, kept so that the restore can itself be undone.</summary>
    Replaced,

    /// <summary>The last backup, taken when the tenant is offboarded with a retention period.</summary>
    Final,
}

/// <summary>Where a backup is: being written, complete and restorable, or abandoned.</summary>
public enum BackupState
{
    Running,
    Completed,
    Failed,
}

/// <summary>Where a completed backup's file is in the store (relative to its root), and what it must hash to.</summary>
[GenerateSerializer, Immutable, Alias("cp.BackupFile")]
public sealed record BackupFile([property: Id(0)] string FileName, [property: Id(1)] string Sha256, [property: Id(2)] long SizeBytes);
