using Microsoft.Extensions.Logging;

namespace ControlPlane.Grains.Tenants;

public sealed partial class TenantGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: {Unit} done ({From} -> {To})")]
    private static partial void LogUnitDone(ILogger logger, string slug, WorkUnit unit, TenantStatus from, TenantStatus to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: step {Step} failed (attempt {Attempt}): {Error}")]
    private static partial void LogStepFailed(ILogger logger, string slug, ProvisioningStep step, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: {Action} ({From} -> {To})")]
    private static partial void LogAction(ILogger logger, string slug, TenantAction action, TenantStatus from, TenantStatus to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: fenced out, writing nothing: {Reason}")]
    private static partial void LogFencedOut(ILogger logger, string slug, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: silo {SiloId} is no longer a live member; refusing to write")]
    private static partial void LogNotAMember(ILogger logger, string slug, string siloId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug}: driven by live silo {Owner}; leaving it alone")]
    private static partial void LogOwnedElsewhere(ILogger logger, string slug, string? owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: drive interrupted, will resume on the next sweep")]
    private static partial void LogDriveInterrupted(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Slug}: drive could not run")]
    private static partial void LogDriveFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug}: deactivated ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, string slug, Orleans.DeactivationReasonCode reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: labels changed ({Count} now)")]
    private static partial void LogLabelsChanged(ILogger logger, string slug, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: backup {BackupId} taken ({Size} bytes in {Milliseconds} ms)")]
    private static partial void LogBackupTaken(ILogger logger, string slug, string backupId, long size, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: backup {BackupId} failed")]
    private static partial void LogBackupFailed(ILogger logger, string slug, string backupId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: restored from backup {BackupId} in {Milliseconds} ms")]
    private static partial void LogRestored(ILogger logger, string slug, string backupId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: recovering interrupted backups and restores failed; the next activation tries again")]
    private static partial void LogRecoveryFailed(ILogger logger, string slug, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug}: not onboarded in the POST ({Reason})")]
    private static partial void LogInlineDeclined(ILogger logger, string slug, string reason);
}
