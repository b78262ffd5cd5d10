using ControlPlane.Grains.Telemetry;
using Orleans;
using Orleans.Concurrency;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The tenant grain's own drive, called only by the grain itself (through <see cref="ITenantGrain.WakeAsync"/>):
/// a turn like any other, so provisioning, migrations and operator actions on one tenant never run together. One-way,
/// so no response timeout cuts a drive that waits for a lock.
/// </summary>
[GrainKeyTag(TelemetryTags.TenantId)]
[GrainKeyTag(TelemetryTags.TenantSchema, Prefix = TelemetryTags.SchemaPrefix)]
[Alias("cp.ITenantDrive")]
public interface ITenantDrive : IGrainWithStringKey
{
    /// <summary>Runs due work until none is left.</summary>
    [OneWay]
    Task DriveAsync();

    /// <summary>Writes a backup recorded Running by <see cref="ITenantGrain.StartBackupAsync(Backups.BackupKind)"/>.</summary>
    [OneWay]
    Task RunBackupAsync(string backupId);
}
