using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants.Locks;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

// Lock timeouts: a unit whose DDL gave up waiting for a lock is tried again, after a pause, before it counts as failed.
public sealed partial class TenantGrain
{
    // The wait in progress, for GetAsync (which interleaves with the drive); null while no unit is waiting.
    private TenantLockWait? _lockWait;

    /// <summary>
    /// When <paramref name="error"/> is a lock timeout and tries remain, notes the wait and pauses: true means run the
    /// unit again (its transaction is already rolled back, nothing of it kept).
    /// </summary>
    private async Task<bool> TryAgainAfterLockTimeoutAsync(TenantSlug slug, WorkUnit unit, Exception error, DriveTurn turn, CancellationToken cancellationToken)
    {
        if (!NextTryAfterLockTimeout(unit, error, turn))
        {
            return false;
        }

        await PauseBeforeNextTryAsync(slug, turn, cancellationToken);
        return true;
    }

    /// <summary>Counts a try that ended in a lock timeout; true when another try is allowed.</summary>
    private bool NextTryAfterLockTimeout(WorkUnit unit, Exception error, DriveTurn turn)
    {
        if (!LockRetry.IsLockTimeout(error))
        {
            return false;
        }

        var previous = turn.LockWait;
        turn.LockWait = new TenantLockWait(
            (previous?.Tries ?? 0) + 1, previous?.Since ?? DateTimeOffset.UtcNow, Describe(error), TenantStateMachine.StepOf(unit));
        return turn.LockWait.Tries < settings.Migrations.LockTries;
    }

    /// <summary>
    /// Shows the wait (tenant and rollout) and sets the turn's full-jitter backoff before the next try, which the drive
    /// sleeps with its work connection returned (<see cref="DriveTurn.PauseBeforeNextTry"/>).
    /// </summary>
    private async Task PauseBeforeNextTryAsync(TenantSlug slug, DriveTurn turn, CancellationToken cancellationToken)
    {
        var wait = turn.LockWait!;
        _lockWait = wait;
        var options = settings.Migrations;
        var pause = LockRetry.Delay(wait.Tries, options.LockRetryBaseDelay, options.LockRetryMaxDelay, Random.Shared.NextDouble());
        LogLockWait(logger, slug.Value, wait.Step, wait.Tries, options.LockTries, (long)pause.TotalMilliseconds, wait.LastError);
        if (turn.RolloutId is { } rollout)
        {
            await RolloutRows.NoteLockWaitAsync(dataSources.Registry, rollout, slug.Value, wait.Tries, waiting: true, cancellationToken);
        }

        turn.PauseBeforeNextTry = pause;
    }

    /// <summary>A unit committed: a wait it had is over, on the tenant and on its rollout line.</summary>
    private async Task LockWaitEndedAsync(TenantSlug slug, DriveTurn turn, CancellationToken cancellationToken)
    {
        var waited = turn.LockWait;
        turn.UnitEnded();
        _lockWait = null;
        if (waited is not null && turn.RolloutId is { } rollout)
        {
            await RolloutRows.NoteLockWaitAsync(dataSources.Registry, rollout, slug.Value, waited.Tries + 1, waiting: false, cancellationToken);
        }
    }

    /// <summary>A no-transaction migration gave up on a lock: its record says NeedsRepair, the tenant row is untouched.</summary>
    private async Task RecordNeedsRepairAsync(NpgsqlConnection connection, TenantSlug slug, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await TenantLock.AcquireAsync(connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, cancellationToken);
        if (locked is null || !FenceHolds(slug, locked))
        {
            throw new TenantFencedOutException(slug.Value, "lost the tenant while recording a migration that gave up on a lock");
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { NoTransactionMigration.MarkNeedsRepair(slug.Value, script) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Slug}: {Step} gave up waiting for a lock (try {Tries} of {MaxTries}); trying again in {PauseMs} ms: {Error}")]
    private static partial void LogLockWait(ILogger logger, string slug, ProvisioningStep? step, int tries, int maxTries, long pauseMs, string error);
}
