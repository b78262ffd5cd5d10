using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains.Backups;

/// <summary>Arms the backup schedule's reminder when this silo becomes active (idempotent: every silo does it).</summary>
internal sealed partial class BackupScheduleArming(IGrainFactory grains, ILogger<BackupScheduleArming> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BackupScheduleArming), ServiceLifecycleStage.Active, starting =>
        {
            // Not awaited: the reminder service may still be settling, and the silo should not wait on it to start.
            _ = Task.Run(async () =>
            {
                try
                {
                    await grains.GetGrain<IBackupScheduleGrain>(0).ArmAsync();
                }
                catch (Exception ex)
                {
                    LogArmFailed(logger, ex);
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not arm the backup schedule's reminder; the next silo start tries again")]
    private static partial void LogArmFailed(ILogger logger, Exception exception);
}
