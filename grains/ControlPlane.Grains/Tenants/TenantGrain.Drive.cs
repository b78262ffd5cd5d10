using System.Diagnostics;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Grains.Tenants.Locks;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

// The drive loop: runs the tenant's due work one unit per transaction, each under the row lock and the fence.
public sealed partial class TenantGrain
{
    public Task DriveAsync()
    {
        _drive.Started();
        return DriveNowAsync();
    }

    /// <summary>
    /// Runs the due work in the current turn. <paramref name="registration"/>, when given, registers the tenant in the
    /// first unit's transaction, in the lock's round trip; when the slug exists, nothing runs.
    /// </summary>
    private async Task<DriveTurn> DriveNowAsync(NpgsqlBatchCommand? registration = null, UnitPrelude? prelude = null)
    {
        _driving = true;
        var turn = new DriveTurn(null, null, DdlTimeouts.Resolve(null, settings.Migrations)) { Inline = registration is not null };
        try
        {
            await DriveCoreAsync(turn, registration, prelude);
            return turn;
        }
        finally
        {
            _driving = false;
        }
    }

    public Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId) =>
        MigrateToAsync(targetVersion, rolloutId, MigrationLimits.Default);

    public async Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId, MigrationLimits limits)
    {
        var slug = RequireSlug();
        System.Diagnostics.Activity.Current?.SetTag(TelemetryTags.MigrationVersion, targetVersion).SetTag(TelemetryTags.RolloutId, rolloutId);
        var turn = new DriveTurn(targetVersion, rolloutId, DdlTimeouts.Resolve(limits, settings.Migrations));
        _driving = true;
        try
        {
            await DriveCoreAsync(turn);
        }
        finally
        {
            _driving = false;
        }

        var row = turn.LastRow ?? await ReadRowAsync(slug);
        return Outcome(row, targetVersion) with { LockTries = turn.MaxLockTries };
    }

    private MigrationOutcome Outcome(TenantRow? row, int targetVersion)
    {
        return row switch
        {
            null => new MigrationOutcome(RolloutTenantStatus.Skipped, 0, "the tenant does not exist"),
            { MigrationVersion: var version } when version >= targetVersion => new MigrationOutcome(RolloutTenantStatus.Succeeded, version, null),
            { State: TenantStatus.Failed } => new MigrationOutcome(RolloutTenantStatus.Skipped, row.MigrationVersion, $"provisioning failed at {row.FailedStep}: {row.LastError}"),
            { State: var state } when TenantStateMachine.RolloutSkips(state) => new MigrationOutcome(RolloutTenantStatus.Skipped, row.MigrationVersion, $"the tenant is {row.State}"),
            { FailedStep: ProvisioningStep.Migrate, LastError: { } error } => new MigrationOutcome(RolloutTenantStatus.Failed, row.MigrationVersion, error),
            { LeaseOwner: { } owner } when owner != silo.SiloId => new MigrationOutcome(RolloutTenantStatus.Failed, row.MigrationVersion, $"the tenant is being driven by silo {owner}; retry later"),
            _ => new MigrationOutcome(RolloutTenantStatus.Failed, row.MigrationVersion, $"not migrated: the tenant is {row.State} at version {row.MigrationVersion}"),
        };
    }

    /// <summary>Runs units until none is due.</summary>
    private async Task DriveCoreAsync(DriveTurn turn, NpgsqlBatchCommand? registration = null, UnitPrelude? prelude = null)
    {
        var key = this.GetPrimaryKeyString();
        try
        {
            if (_slug is not { } slug)
            {
                return;
            }

            var stopping = lifetime.ApplicationStopping;
            if (registration is null && turn.RolloutId is not null && groups.Enabled && await TryMigrateInGroupAsync(slug, turn, stopping))
            {
                return;
            }

            // A try that ends in a lock timeout leaves its pause in the turn: it is slept here, with the work
            // connection back in the budget, so tenants waiting on their own tables never hold up the others.
            while (true)
            {
                if (turn.PauseBeforeNextTry is { } pause)
                {
                    turn.PauseBeforeNextTry = null;
                    await Task.Delay(pause, stopping);
                }

                await using (var lease = await budget.OpenAsync(stopping))
                {
                    await RunUnitsAsync(lease.Connection, slug, turn, stopping, registration, prelude);
                }

                (registration, prelude) = (null, null);
                if (turn.PauseBeforeNextTry is null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Shutting down: the lease is released when the silo leaves, and another silo continues.
        }
        catch (TenantFencedOutException ex)
        {
            _leaseToken = null;
            LogFencedOut(logger, key, ex.Message);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Infrastructure trouble, not a failed step: nothing committed, the sweeper tries again shortly.
            _leaseToken = null;
            LogDriveInterrupted(logger, key, ex);
        }
        finally
        {
            _lockWait = null;
            _moveWrites.Release();
        }
    }

    private async Task RunUnitsAsync(NpgsqlConnection connection, TenantSlug slug, DriveTurn turn, CancellationToken stopping, NpgsqlBatchCommand? registration = null, UnitPrelude? prelude = null)
    {
        var more = await RunUnitAsync(connection, slug, turn, stopping, registration, prelude);
        while (more && turn.PauseBeforeNextTry is null && !stopping.IsCancellationRequested && await RunUnitAsync(connection, slug, turn, stopping))
        {
        }
    }

    private async Task<TenantRow?> ReadRowAsync(TenantSlug slug)
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(lifetime.ApplicationStopping);
        return await TenantRows.GetAsync(connection, null, slug.Value, lifetime.ApplicationStopping);
    }

    /// <summary>
    /// Runs one unit of work in its own transaction; true when more work follows right away. With
    /// <paramref name="registration"/>, the transaction registers the tenant first (committed synchronously, as every
    /// registration is) and runs nothing when the slug exists.
    /// </summary>
    private async Task<bool> RunUnitAsync(NpgsqlConnection connection, TenantSlug slug, DriveTurn turn, CancellationToken cancellationToken, NpgsqlBatchCommand? registration = null, UnitPrelude? prelude = null)
    {
        MigrationPlan? outsideTransaction;
        TenantRow saved;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            LockedTenant? locked;
            try
            {
                locked = await TenantLock.AcquireAsync(
                    connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, cancellationToken,
                    settings.Database.AsynchronousStepCommits && registration is null, registration, askLeftMidway: _recoveryCheck is not null, prelude);
            }
            catch (PostgresException ex) when (prelude is not null)
            {
                // The slug exists (the registration refused it), or one of the unit's statements failed: nothing ran
                // that stays. The caller registers the tenant as any other, and its drive meets and records the error.
                throw new InlineOnboardingDeclinedException($"{ex.SqlState}: {ex.MessageText}");
            }
            if (await RecoveryCheckedInLock(locked, slug, transaction, cancellationToken))
            {
                return true;
            }

            if (locked is null || (registration is not null && !locked.Registered) || !FenceHolds(slug, locked))
            {
                return false;
            }

            turn.LastRow = locked.Row;
            var unit = TenantStateMachine.NextWork(locked.Row, locked.Due, turn.UpgradeTarget);
            if (prelude is not null && unit != prelude.Unit)
            {
                // Its statements ran for a unit that is not due: rolled back with the transaction, nothing kept.
                throw new InlineOnboardingDeclinedException($"the unit due is {unit}, not the {prelude.Unit} sent with the registration");
            }

            if (unit == WorkUnit.None)
            {
                await FinishAsync(connection, transaction, locked, cancellationToken);
                return false;
            }

            if (!locked.Claimable)
            {
                LogOwnedElsewhere(logger, slug.Value, locked.Row.LeaseOwner);
                return false;
            }

            var context = UnitContext(connection, transaction, locked, slug, turn, turn.Timeouts, cancellationToken) with { Prelude = prelude };
            using var span = ProvisioningTelemetry.StartUnit(unit, locked.Row, turn.RolloutId);
            StepOutcome outcome;
            try
            {
                (outcome, outsideTransaction) = await RunAsync(unit, context, turn);
            }
            catch (Exception ex) when (IsStepFailure(ex))
            {
                ProvisioningTelemetry.Failed(span, ex);
                await transaction.RollbackAsync(cancellationToken);
                if (await TryAgainAfterLockTimeoutAsync(slug, unit, ex, turn, cancellationToken))
                {
                    return true;
                }

                await RecordFailureAsync(connection, slug, unit, ex, null, turn, cancellationToken);
                return false;
            }

            var row = outsideTransaction is null ? Settled(outcome.Row, unit, locked, turn) : outcome.Row;

            // A transactional migration runs inside the save's round trip, so that round trip is its duration.
            var saving = Stopwatch.StartNew();
            try
            {
                saved = await TenantRows.SaveAndCommitAsync(
                    connection, transaction, row, silo.SiloId, outcome.Deferred, outcome.AlsoRun, outcome.Events, cancellationToken);
            }
            catch (PostgresException ex) when (outcome.DeferredScript is { } failedScript && IsDeferredFailure(outcome, ex))
            {
                // The migration's own statements failed (or its commit did): nothing of the unit was kept.
                metrics.MigrationApplied(failedScript.Version, "failed", saving.Elapsed);
                ProvisioningTelemetry.Failed(span, ex);
                await transaction.DisposeAsync();
                if (await TryAgainAfterLockTimeoutAsync(slug, unit, ex, turn, cancellationToken))
                {
                    return true;
                }

                await RecordFailureAsync(connection, slug, unit, new MigrationFailedException(failedScript, ex), null, turn, cancellationToken);
                return false;
            }

            await UnitCommittedAsync(slug, unit, locked, outcome, saved, saving.Elapsed, lockWaitEnded: outsideTransaction is null, turn, span, cancellationToken);
        }

        if (outsideTransaction is { Script: { } script })
        {
            return await RunOutsideTransactionAsync(connection, slug, script, outsideTransaction.Target, turn, cancellationToken);
        }

        if (saved.LeaseOwner is null)
        {
            return false;
        }

        await NotifyObserversAsync(slug, TenantStateMachine.NextWork(saved, due: true), cancellationToken);
        return true;
    }

    /// <summary>What a unit runs with: the locked row with the lease claimed, the turn's target and tries, its DDL timeouts.</summary>
    private StepContext UnitContext(
        NpgsqlConnection connection, NpgsqlTransaction transaction, LockedTenant locked, TenantSlug slug, DriveTurn turn,
        Locks.DdlTimeouts timeouts, CancellationToken cancellationToken) =>
        new(connection, transaction, Claim(locked.Row), slug, Pool, cancellationToken)
        {
            UpgradeTarget = turn.UpgradeTarget,
            RolloutId = turn.RolloutId,
            Applied = locked.Applied,
            Timeouts = timeouts,
            SessionLockTimeout = settings.Database.LockTimeout,
            Try = turn.CurrentTry,
        };

    /// <summary>
    /// The row a committed transactional unit leaves: its failure cleared (but a resume's, which the retry reports), and
    /// the lease handed back with the schedule cleared when nothing more is due.
    /// </summary>
    private static TenantRow Settled(TenantRow row, WorkUnit unit, LockedTenant locked, DriveTurn turn)
    {
        if (unit != WorkUnit.Resume)
        {
            row = row with { FailedStep = null, LastError = null, Attempts = 0 };
        }

        return TenantStateMachine.NextWork(row, row.NextAttemptAt <= locked.DbNow, turn.UpgradeTarget) == WorkUnit.None
            ? row with { LeaseOwner = null, NextAttemptAt = null }
            : row;
    }

    /// <summary>What follows a unit's commit, alone or in a migration group: metrics, the cached serving state, the lease, the turn.</summary>
    private async Task UnitCommittedAsync(
        TenantSlug slug, WorkUnit unit, LockedTenant locked, StepOutcome outcome, TenantRow saved, TimeSpan saving, bool lockWaitEnded,
        DriveTurn turn, Activity? span, CancellationToken cancellationToken)
    {
        if (outcome.DeferredScript is { } appliedScript)
        {
            metrics.MigrationApplied(appliedScript.Version, "succeeded", saving);
        }

        foreach (var (inline, took) in outcome.AppliedInline)
        {
            metrics.MigrationApplied(inline.Version, "succeeded", took);
        }

        _serving?.Invalidate();
        _leaseToken = saved.LeaseOwner is null ? null : saved.LeaseToken;
        turn.LastRow = saved;
        turn.Committed = true;
        if (lockWaitEnded)
        {
            await LockWaitEndedAsync(slug, turn, cancellationToken);
        }

        span?.SetTag("tenant.state", saved.State.ToString());
        if (TenantStateMachine.EndsProvisioning(locked.Row.State, saved.State))
        {
            metrics.ProvisioningEnded("succeeded", locked.DbNow - saved.CreatedAt);
        }

        LogUnitDone(logger, slug.Value, unit, locked.Row.State, saved.State);
    }

    private async Task<(StepOutcome Outcome, MigrationPlan? OutsideTransaction)> RunAsync(WorkUnit unit, StepContext context, DriveTurn turn)
    {
        if (TenantStateMachine.IsMoveUnit(unit))
        {
            return (await RunMoveAsync(unit, context), null);
        }

        if (context.Row.Tier == TenantTier.Pooled && Pooled.PooledSteps.Handles(unit))
        {
            // The same states, the pooled tier's work (docs/tiers.md); its DDL, the first use's, under the unit's timeouts.
            return (await pooledTier.Steps.RunAsync(unit, context), null);
        }

        switch (unit)
        {
            // Provisioning DDL runs under the unit's short lock timeout too; a migration sets its own inside its batch.
            case WorkUnit.CreateSchema:
                // The claim sets the unit's timeouts in its own round trip (ClaimFromPoolStep).
                if (steps.Claim.Enabled && await steps.Claim.TryRunAsync(context) is { } claimed)
                {
                    return (claimed, null);
                }

                if (turn.Inline)
                {
                    throw new InlineOnboardingDeclinedException("the warm pool has no schema to give; the tenant is built in the background");
                }

                // A tenant built from nothing takes all four steps in this one transaction; otherwise, or when that
                // fails (rolled back to its savepoint), the steps run one by one as their own units.
                if (await context.UnderTimeoutsAsync(() => steps.Build.TryRunAsync(context)) is { } built)
                {
                    return (built, null);
                }

                return (await context.UnderTimeoutsAsync(() => steps.CreateSchema.RunAsync(context)), null);
            case WorkUnit.Seed:
                return (await context.UnderTimeoutsAsync(() => steps.Seed.RunAsync(context)), null);
            case WorkUnit.Activate:
                return (await context.UnderTimeoutsAsync(() => ActivateStep.RunAsync(context)), null);
            case WorkUnit.Deprovision:
                await ClosePoolAsync();
                return (await context.UnderTimeoutsAsync(() => steps.Deprovision.RunAsync(context)), null);
            case WorkUnit.Copy:
                // Its own limits: the copy runs on a second connection, under the step's raised idle limit.
                return (await steps.Copy.RunAsync(context), null);
            case WorkUnit.Resume:
                return (Resume(context.Row), null);
            case WorkUnit.Migrate:
                TenantStateMachine.EnsureStep(context.Slug.Value, context.Row.State, ProvisioningStep.Migrate);
                var plan = steps.Migrate.Plan(context);
                if (plan.Script is null)
                {
                    return (MigrateStep.Complete(context, plan.Target), null);
                }

                if (plan.Script.Transactional && !plan.Repair)
                {
                    return (MigrateStep.Apply(context, plan.Script, plan.Target), null);
                }

                return (await NoTransactionMigration.BeginAsync(context, plan.Script, plan.Repair), plan);
            default:
                throw new InvalidOperationException($"Tenant '{context.Slug}' has no handler for work unit {unit}.");
        }
    }

    private StepOutcome Resume(TenantRow row)
    {
        var step = row.FailedStep ?? throw new InvalidOperationException($"Tenant '{row.Slug}' failed without a recorded step.");
        var from = TenantStateMachine.From(step);
        var resumed = row with { State = from };
        return new StepOutcome(resumed, new TenantEventDraft(
            row.State, from, step, $"retrying {step} (attempt {row.Attempts + 1} of {settings.Provisioning.MaxAttempts})", row.Attempts + 1));
    }

    /// <summary>Phases two and three of a no-transaction migration (phase one is already committed).</summary>
    private async Task<bool> RunOutsideTransactionAsync(NpgsqlConnection connection, TenantSlug slug, MigrationScript script, int target, DriveTurn turn, CancellationToken cancellationToken)
    {
        TimeSpan took;
        using var span = ProvisioningTelemetry.StartUnit(WorkUnit.Migrate, turn.LastRow!, turn.RolloutId);
        ProvisioningTelemetry.Migrating(script.Version, script.Name);
        try
        {
            took = await NoTransactionMigration.RunAsync(connection, slug, script, turn.Timeouts, cancellationToken);
            metrics.MigrationApplied(script.Version, "succeeded", took);
        }
        catch (Exception ex) when (IsStepFailure(ex))
        {
            ProvisioningTelemetry.Failed(span, ex);
            metrics.MigrationApplied(script.Version, "failed", TimeSpan.Zero);
            if (NextTryAfterLockTimeout(unit: WorkUnit.Migrate, ex, turn))
            {
                // Recorded NeedsRepair first: the next try drops the invalid index this one left, as after any failure.
                await RecordNeedsRepairAsync(connection, slug, script, cancellationToken);
                await PauseBeforeNextTryAsync(slug, turn, cancellationToken);
                return true;
            }

            await RecordFailureAsync(connection, slug, WorkUnit.Migrate, ex, NoTransactionMigration.MarkNeedsRepair(slug.Value, script), turn, cancellationToken);
            return false;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await TenantLock.AcquireAsync(connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, cancellationToken, settings.Database.AsynchronousStepCommits);
        if (locked is null || !FenceHolds(slug, locked))
        {
            return false;
        }

        var context = new StepContext(connection, transaction, locked.Row, slug, Pool, cancellationToken)
        {
            UpgradeTarget = turn.UpgradeTarget,
            RolloutId = turn.RolloutId,
            Try = turn.CurrentTry,
        };
        var outcome = await NoTransactionMigration.ConfirmAsync(context, script, target, took);
        var row = outcome.Row;
        if (TenantStateMachine.NextWork(row, row.NextAttemptAt <= locked.DbNow, turn.UpgradeTarget) == WorkUnit.None)
        {
            row = row with { LeaseOwner = null, NextAttemptAt = null };
        }

        var saved = await TenantRows.SaveAsync(connection, transaction, row, silo.SiloId, outcome.AlsoRun, cancellationToken, outcome.Events);
        await transaction.CommitAsync(cancellationToken);
        _leaseToken = saved.LeaseOwner is null ? null : saved.LeaseToken;
        turn.LastRow = saved;
        await LockWaitEndedAsync(slug, turn, cancellationToken);
        return saved.LeaseOwner is not null;
    }

    /// <summary>
    /// The fence: this incarnation must still be a live member, and if it believes it holds the lease, the row
    /// must still carry its token. Otherwise it writes nothing and forgets the lease.
    /// </summary>
    private bool FenceHolds(TenantSlug slug, LockedTenant locked)
    {
        if (FenceAllows(locked))
        {
            return true;
        }

        if (!locked.SelfAlive)
        {
            LogNotAMember(logger, slug.Value, silo.SiloId);
            _leaseToken = null;
            return false;
        }

        if (_leaseToken is long token)
        {
            LogFencedOut(logger, slug.Value, $"held token {token}, the row now says {locked.Row.LeaseOwner ?? "no owner"} with token {locked.Row.LeaseToken}");
            _leaseToken = null;
        }

        return false;
    }

    /// <summary>The fence's rule alone, without its consequences (a migration group asks it before deciding to join).</summary>
    private bool FenceAllows(LockedTenant locked) =>
        locked.SelfAlive && (_leaseToken is not long token || (locked.Row.LeaseOwner == silo.SiloId && locked.Row.LeaseToken == token));

    private TenantRow Claim(TenantRow row) =>
        row.LeaseOwner == silo.SiloId && _leaseToken == row.LeaseToken
            ? row
            : row with { LeaseOwner = silo.SiloId, LeaseToken = row.LeaseToken + 1 };

    /// <summary>Nothing to do: hand the lease back and clear a schedule that has passed.</summary>
    private async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LockedTenant locked, CancellationToken cancellationToken)
    {
        var row = locked.Row;
        var release = row.LeaseOwner == silo.SiloId;
        var clearSchedule = locked.Claimable && row.NextAttemptAt is { } at && at <= locked.DbNow;
        if (release || clearSchedule)
        {
            var finished = row with
            {
                LeaseOwner = release ? null : row.LeaseOwner,
                NextAttemptAt = clearSchedule ? null : row.NextAttemptAt,
            };
            await TenantRows.SaveAsync(connection, transaction, finished, silo.SiloId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        _leaseToken = null;
    }

    private async Task RecordFailureAsync(
        NpgsqlConnection connection,
        TenantSlug slug,
        WorkUnit unit,
        Exception error,
        NpgsqlBatchCommand? alsoRecord,
        DriveTurn turn,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await TenantLock.AcquireAsync(connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, cancellationToken);
        if (locked is null || !FenceHolds(slug, locked))
        {
            return;
        }

        var row = locked.Row;
        var step = TenantStateMachine.StepOf(unit) ?? row.FailedStep ?? ProvisioningStep.CreateSchema;
        var attempts = row.Attempts + 1;
        var options = settings.Provisioning;

        // An upgrade that fails leaves the tenant serving on its old version; provisioning failures stop in Failed.
        var upgrading = TenantStateMachine.UpgradesInPlace(row.State);
        var retryable = !upgrading && error is not (StepFailedException { Retryable: false } or MigrationCatalogException) && attempts < options.MaxAttempts;

        // A move that fails before its switch is called off (the source serves, intact); after it, its removal is retried.
        var move = TenantStateMachine.IsMoveUnit(unit) && row.Move is { } moving ? TenantStateMachine.AfterMoveFailure(moving) : row.Move;
        retryable |= move is not null && TenantStateMachine.IsMoveUnit(unit) && attempts < options.MaxAttempts;
        DateTimeOffset? nextAttempt = retryable
            ? locked.DbNow + RetryBackoff.Delay(attempts, options.RetryBaseDelay, options.RetryMaxDelay, Random.Shared.NextDouble())
            : null;
        var message = Describe(error);
        if (LockRetry.IsLockTimeout(error))
        {
            message = LockRetry.Exhausted(message, turn.LockWait?.Tries ?? 1, turn.Timeouts.LockTimeout);
        }
        else if (LockRetry.IsStatementTimeout(error) && error.Message.Contains("statement timeout", StringComparison.Ordinal))
        {
            message = LockRetry.TimedOut(message, turn.Timeouts.StatementTimeout);
        }

        turn.UnitEnded(lastTryTimedOut: LockRetry.IsLockTimeout(error));
        _lockWait = null;
        var failed = row with
        {
            State = TenantStateMachine.AfterFailure(row.State),
            FailedStep = step,
            LastError = message,
            Attempts = attempts,
            NextAttemptAt = nextAttempt,
            LeaseOwner = null,
            Move = move,
        };
        var detail = message + (nextAttempt is { } at ? $" (automatic retry at {at:u})" : upgrading ? string.Empty : " (no more automatic retries; POST .../retry)")
            + (row.Move is { } called && move is null ? $" (the move to the {called.To.ToText()} tier is called off; the tenant stays in the {row.Tier.ToText()} tier)" : string.Empty);
        if (alsoRecord is not null)
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { alsoRecord } };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        turn.LastRow = await TenantRows.SaveAsync(connection, transaction, failed, silo.SiloId, cancellationToken, new TenantEventDraft(row.State, failed.State, step, detail, attempts));
        if (!upgrading)
        {
            metrics.ProvisioningEnded("failed", locked.DbNow - row.CreatedAt);
        }

        await transaction.CommitAsync(cancellationToken);
        _leaseToken = null;
        LogStepFailed(logger, slug.Value, step, attempts, message);
    }

    private async Task NotifyObserversAsync(TenantSlug slug, WorkUnit next, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.OnUnitStartingAsync(slug.Value, next, cancellationToken);
        }
    }

    /// <summary>True when <paramref name="ex"/> came from a deferred statement or the commit, not from the registry's own writes.</summary>
    private static bool IsDeferredFailure(StepOutcome outcome, PostgresException ex) =>
        ex.BatchCommand is not { } failed || outcome.Deferred.Contains(failed) || failed.CommandText == "COMMIT";

    private static bool IsStepFailure(Exception ex) =>
        ex is PostgresException or MigrationFailedException or StepFailedException or MigrationCatalogException or TenantValidationException
            or InvalidTenantTransitionException;

    private static string Describe(Exception error)
    {
        var text = error switch
        {
            PostgresException pg => $"{pg.SqlState}: {pg.MessageText}{(pg.Detail is { } d ? $" ({d})" : string.Empty)}",
            _ => error.Message,
        };
        return text.Length <= 2000 ? text : text[..2000];
    }
}
