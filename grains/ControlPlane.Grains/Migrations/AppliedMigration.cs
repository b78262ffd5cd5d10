namespace ControlPlane.Grains.Migrations;

/// <summary>A tenant's record of one migration.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, AppliedMigrationStatus Status, DateTimeOffset AppliedAt, double DurationMs);

/// <summary>Where a migration stands for one tenant.</summary>
public enum AppliedMigrationStatus
{
    /// <summary>Applied and committed.</summary>
    Applied,

    /// <summary>A no-transaction migration started and has not been confirmed.</summary>
    Running,

    /// <summary>A no-transaction migration failed part-way; the retry repairs what it left and runs it again.</summary>
    NeedsRepair,
}
