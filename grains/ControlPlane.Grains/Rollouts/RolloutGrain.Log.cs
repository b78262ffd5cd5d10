using Microsoft.Extensions.Logging;

namespace ControlPlane.Grains.Rollouts;

public sealed partial class RolloutGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: coordinating (lease token {Token})")]
    private static partial void LogDriving(ILogger logger, string rolloutId, long token);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: wave {Wave} ('{WaveName}', {Size} tenants) started")]
    private static partial void LogWave(ILogger logger, string rolloutId, int wave, string waveName, int size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId}: tenant {Slug} failed: {Error}")]
    private static partial void LogTenantFailed(ILogger logger, string rolloutId, string slug, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId} halted: {Reason}")]
    private static partial void LogHalted(ILogger logger, string rolloutId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} completed")]
    private static partial void LogCompleted(ILogger logger, string rolloutId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: {Verb} ({From} -> {To})")]
    private static partial void LogChanged(ILogger logger, string rolloutId, string verb, RolloutState from, RolloutState to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId}: drive interrupted; it resumes from its record")]
    private static partial void LogDriveInterrupted(ILogger logger, string rolloutId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rollout {RolloutId}: drive could not run")]
    private static partial void LogDriveFailed(ILogger logger, string rolloutId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId}: the call migrating tenant {Slug} was interrupted ({Error}); it stays pending and is dispatched again")]
    private static partial void LogTenantInterrupted(ILogger logger, string rolloutId, string slug, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: start reminder armed for {NotBefore:O}")]
    private static partial void LogArmed(ILogger logger, string rolloutId, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: its time (or its window) came; -> Running")]
    private static partial void LogStartedOnSchedule(ILogger logger, string rolloutId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout {RolloutId}: reminder ticked at {TickTime:O}, before its notBefore by the database's clock")]
    private static partial void LogNotDueYet(ILogger logger, string rolloutId, DateTime tickTime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout {RolloutId}: start reminder dropped")]
    private static partial void LogDisarmed(ILogger logger, string rolloutId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId}: could not drop its start reminder; its next tick drops it")]
    private static partial void LogDisarmFailed(ILogger logger, string rolloutId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId}: outside its maintenance windows; WaitingForWindow until {NextOpening:O}")]
    private static partial void LogWaitingForWindow(ILogger logger, string rolloutId, DateTimeOffset nextOpening);
}
