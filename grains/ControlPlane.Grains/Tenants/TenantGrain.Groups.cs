using System.Diagnostics;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Grains.Tenants.Groups;
using ControlPlane.Grains.Tenants.Steps;

namespace ControlPlane.Grains.Tenants;

// A rollout's migration in a migration group (Tenants/Groups): the same unit as alone, decided by this grain from the
// row the group locked for it, its statements committed with other tenants' in one transaction.
public sealed partial class TenantGrain
{
    /// <summary>
    /// Runs the turn's migration in a group; true when the turn is done. False when the turn goes on alone: the grain
    /// declined (anything but one transactional migration to run now), was too late, or the group was rolled back.
    /// </summary>
    private async Task<bool> TryMigrateInGroupAsync(TenantSlug slug, DriveTurn turn, CancellationToken cancellationToken)
    {
        var member = groups.Join(slug.Value);
        MigrationGroupSeat seat;
        try
        {
            seat = await member.Seat;
        }
        catch (MigrationGroupAbortedException)
        {
            return false;
        }

        if (seat.Alone is { } lease)
        {
            // No other tenant was waiting: the group's connection is this grain's, for the ordinary drive.
            await using (lease)
            {
                await RunUnitsAsync(lease.Connection, slug, turn, cancellationToken);
            }

            // Done, unless a lock timeout left a pause before the next try (the drive sleeps it without the connection).
            return turn.PauseBeforeNextTry is null;
        }

        Activity? span = null;
        LockedTenant locked;
        StepOutcome outcome;
        try
        {
            if (Join(seat, slug, turn, cancellationToken) is not { } joined)
            {
                member.Decline();
                await member.Ended;
                return false;
            }

            (locked, var context, var script, var target) = joined;
            span = ProvisioningTelemetry.StartUnit(WorkUnit.Migrate, locked.Row, turn.RolloutId);
            outcome = MigrateStep.ApplyInGroup(context, script, target, seat.Slot);
            if (!member.Submit(new TenantSave(Settled(outcome.Row, WorkUnit.Migrate, locked, turn), outcome.Events, outcome.Deferred, outcome.VersionRecord)))
            {
                span?.Dispose();
                await member.Ended;
                return false;
            }
        }
        catch
        {
            // Whatever went wrong is this grain's: the group must not wait for its decision.
            member.Decline();
            span?.Dispose();
            throw;
        }

        using var unitSpan = span;
        var saving = Stopwatch.StartNew();

        TenantRow saved;
        try
        {
            saved = await member.Committed;
        }
        catch (MigrationGroupAbortedException)
        {
            // Nothing of the group was kept; alone, a failure of this tenant's migration is recorded as its own.
            await member.Ended;
            return false;
        }

        await UnitCommittedAsync(slug, WorkUnit.Migrate, locked, outcome, saved, saving.Elapsed, lockWaitEnded: true, turn, span, cancellationToken);
        return saved.LeaseOwner is null;
    }

    /// <summary>
    /// The grain's decision on the row the group locked for it: the migration to run when the unit is one transactional
    /// migration that may run now, as <see cref="RunUnitAsync"/> would run it; null for anything else, which runs alone.
    /// </summary>
    private (LockedTenant Locked, StepContext Context, Migrations.MigrationScript Script, int Target)? Join(MigrationGroupSeat seat, TenantSlug slug, DriveTurn turn, CancellationToken cancellationToken)
    {
        if (seat.Locked is not { } locked || !FenceAllows(locked) || !locked.Claimable)
        {
            return null;
        }

        if (_recoveryCheck is { } check)
        {
            // The activation's first lock asked whether a dead silo left a backup or restore mid-way: recovering it
            // comes first, alone (the recovery check stays pending for that lock to ask again).
            if (locked.LeftMidway)
            {
                return null;
            }

            _recoveryCheck = null;
            check.TrySetResult();
        }

        if (TenantStateMachine.NextWork(locked.Row, locked.Due, turn.UpgradeTarget) != WorkUnit.Migrate)
        {
            return null;
        }

        // The group's tables stay locked until all of it commits: no member waits longer than the group's limit for one.
        var timeouts = turn.Timeouts.LockTimeout > seat.LockTimeoutCap ? turn.Timeouts with { LockTimeout = seat.LockTimeoutCap } : turn.Timeouts;
        var context = UnitContext(seat.Connection!, seat.Transaction!, locked, slug, turn, timeouts, cancellationToken);
        MigrationPlan plan;
        try
        {
            plan = steps.Migrate.Plan(context);
        }
        catch (StepFailedException)
        {
            // Drift, or a target beyond the catalogue: the failure is recorded by the unit alone.
            return null;
        }

        if (plan.Script is not { Transactional: true } script || plan.Repair)
        {
            return null;
        }

        turn.LastRow = locked.Row;
        return (locked, context, script, plan.Target);
    }
}
