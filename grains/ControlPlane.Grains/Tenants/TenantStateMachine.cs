using System.Collections.Frozen;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The tenant state machine's one home: which state each step moves from and to, which work a state implies, where a
/// failure leaves a tenant, which operator actions each state allows, and which states serve data. Every transition
/// goes through these guards, and the next unit of work is decided from the registry row alone, so any silo decides
/// the same (docs/state-machine.md).
/// </summary>
public static class TenantStateMachine
{
    private static readonly FrozenDictionary<ProvisioningStep, StepRule> Steps =
        new Dictionary<ProvisioningStep, StepRule>
        {
            [ProvisioningStep.CreateSchema] = new(WorkUnit.CreateSchema, TenantStatus.Requested, TenantStatus.SchemaCreated),

            // Upgrades run Migrate in place, only while a rollout asks; the tenant stays Active (or Suspended).
            [ProvisioningStep.Migrate] = new(WorkUnit.Migrate, TenantStatus.SchemaCreated, TenantStatus.Migrated, InPlace: [TenantStatus.Active, TenantStatus.Suspended]),
            [ProvisioningStep.Seed] = new(WorkUnit.Seed, TenantStatus.Migrated, TenantStatus.Seeded),
            [ProvisioningStep.Activate] = new(WorkUnit.Activate, TenantStatus.Seeded, TenantStatus.Active),
            [ProvisioningStep.Deprovision] = new(WorkUnit.Deprovision, TenantStatus.Deprovisioning, TenantStatus.Deleted),

            // A clone or an import copies its data where others seed: the same states, another step (see NextWork).
            [ProvisioningStep.Copy] = new(WorkUnit.Copy, TenantStatus.Migrated, TenantStatus.Seeded),
        }.ToFrozenDictionary();

    // The work a state implies: the step that starts from it (Seed from Migrated; Copy replaces it for copies).
    private static readonly FrozenDictionary<TenantStatus, WorkUnit> WorkFrom =
        Steps.Where(s => s.Key != ProvisioningStep.Copy).ToFrozenDictionary(s => s.Value.From, s => s.Value.Unit);

    private static readonly FrozenDictionary<WorkUnit, ProvisioningStep> StepByUnit = Steps.ToFrozenDictionary(s => s.Value.Unit, s => s.Key);

    // Where a tenant is on its way to Active: each provisioning step's starting state.
    private static readonly FrozenSet<TenantStatus> OnTheWayToActive =
        new[] { ProvisioningStep.CreateSchema, ProvisioningStep.Migrate, ProvisioningStep.Seed, ProvisioningStep.Copy, ProvisioningStep.Activate }
            .Select(step => Steps[step].From).ToFrozenSet();

    // Deleted, or on the way there: its schema and role are gone or going.
    private static readonly TenantStatus[] Gone = [TenantStatus.Deprovisioning, TenantStatus.Deleted];

    private static readonly FrozenDictionary<TenantAction, ActionRule> Actions =
        new Dictionary<TenantAction, ActionRule>
        {
            // A retry keeps the tenant Failed and makes its retry due now.
            [TenantAction.Retry] = new(TenantStatus.Failed, AllowedFrom: [TenantStatus.Failed], AlreadyAt: []),
            [TenantAction.Suspend] = new(TenantStatus.Suspended, AllowedFrom: [TenantStatus.Active], AlreadyAt: [TenantStatus.Suspended]),
            // A retained tenant resumes within its period with its data (its purge is called off).
            [TenantAction.Resume] = new(TenantStatus.Active, AllowedFrom: [TenantStatus.Suspended, TenantStatus.Retained], AlreadyAt: [TenantStatus.Active]),
            [TenantAction.Delete] = new(
                TenantStatus.Deprovisioning,
                AllowedFrom:
                [
                    TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded,
                    TenantStatus.Active, TenantStatus.Failed, TenantStatus.Suspended, TenantStatus.Retained,
                ],
                AlreadyAt: Gone),

            // Only a tenant with complete data is retained: its final backup and a resume need them.
            [TenantAction.Retain] = new(TenantStatus.Retained, AllowedFrom: [TenantStatus.Active, TenantStatus.Suspended], AlreadyAt: [TenantStatus.Retained]),
        }.ToFrozenDictionary();

    // A move between tiers runs in place in Active (the tenant serves throughout): one unit per phase, each leading to
    // the next; the last one ends the move (docs/tiers.md#moving-a-tenant-between-tiers).
    private static readonly FrozenDictionary<TenantMovePhase, MoveRule> MovePhases =
        new Dictionary<TenantMovePhase, MoveRule>
        {
            [TenantMovePhase.Preparing] = new(WorkUnit.MovePrepare, TenantMovePhase.Copying),
            [TenantMovePhase.Copying] = new(WorkUnit.MoveCopy, TenantMovePhase.Removing),
            [TenantMovePhase.Removing] = new(WorkUnit.MoveRemove, null),
        }.ToFrozenDictionary();

    /// <summary>The state a tenant is registered in: the one provisioning's first step starts from.</summary>
    public static TenantStatus Initial => From(ProvisioningStep.CreateSchema);

    /// <summary>
    /// The state an adopted schema is registered in: its structure and version records are in place, so only
    /// Activate's checks remain (the schema is neither migrated nor seeded by us).
    /// </summary>
    public static TenantStatus Adopted => From(ProvisioningStep.Activate);

    /// <summary>The state a step starts from (and a failed tenant returns to when the step is retried).</summary>
    public static TenantStatus From(ProvisioningStep step) => Steps[step].From;

    /// <summary>The state a step ends in.</summary>
    public static TenantStatus To(ProvisioningStep step) => Steps[step].To;

    /// <summary>True when <paramref name="state"/> is one a rollout upgrades in place (Migrate runs without leaving it).</summary>
    public static bool UpgradesInPlace(TenantStatus state) => Steps[ProvisioningStep.Migrate].InPlace.Contains(state);

    /// <summary>
    /// True when a unit that moved <paramref name="from"/> → <paramref name="to"/> finished provisioning: it ended where
    /// Activate ends, starting from a provisioning state (Seeded step by step; Requested when one unit took all four
    /// steps: a build in one transaction, a claim from the warm pool, a pooled onboarding).
    /// </summary>
    public static bool EndsProvisioning(TenantStatus from, TenantStatus to) =>
        to == Steps[ProvisioningStep.Activate].To && OnTheWayToActive.Contains(from);

    /// <summary>Where a failed step leaves a tenant: Failed, except that a failed upgrade leaves it serving where it was.</summary>
    public static TenantStatus AfterFailure(TenantStatus state) => UpgradesInPlace(state) ? state : TenantStatus.Failed;

    /// <summary>True when a tenant in <paramref name="state"/> serves its data (its role logs in, its pool opens).</summary>
    public static bool Serves(TenantStatus state) => state == TenantStatus.Active;

    /// <summary>
    /// True when a tenant in <paramref name="state"/> holds complete data that can be backed up or replaced by a restore:
    /// provisioned, serving or suspended. A tenant mid-provisioning has nothing worth keeping; a gone one has nothing.
    /// </summary>
    public static bool HoldsData(TenantStatus state) => state is TenantStatus.Active or TenantStatus.Suspended;

    /// <summary>True when the tenant is deleted or being deleted: its schema and role are gone or going.</summary>
    public static bool IsGone(TenantStatus state) => Gone.Contains(state);

    /// <summary>
    /// True when a rollout skips a tenant in <paramref name="state"/>: a failed one reaches the newest version when
    /// retried, and a gone one never will. A provisioning tenant reaches it by provisioning; a serving one upgrades in place.
    /// </summary>
    /// <remarks>
    /// A retained one is waiting to be purged (a resume brings it back at its version, and the next rollout upgrades it).
    /// </remarks>
    public static bool RolloutSkips(TenantStatus state) => state is TenantStatus.Failed or TenantStatus.Retained || IsGone(state);

    /// <summary>
    /// True when a tenant in <paramref name="state"/> waits for its purge time (it has one, and its reminder); at that
    /// time it is deleted as <see cref="TenantAction.Delete"/> deletes.
    /// </summary>
    public static bool AwaitsPurge(TenantStatus state) => state == TenantStatus.Retained;

    /// <summary>
    /// The next unit for <paramref name="row"/>; <paramref name="due"/> says whether scheduled work (a retry) is due, and
    /// <paramref name="upgradeTarget"/> is the version a rollout asks an active tenant to reach.
    /// </summary>
    public static WorkUnit NextWork(TenantRow row, bool due, int? upgradeTarget = null)
    {
        if (WorkFrom.TryGetValue(row.State, out var unit))
        {
            return unit == WorkUnit.Seed && row.CopyFrom is not null ? WorkUnit.Copy : unit;
        }

        if (WaitsForRetry(row.State))
        {
            return due && row.FailedStep is not null ? WorkUnit.Resume : WorkUnit.None;
        }

        // A move, once asked, runs to its end before anything else a serving tenant does (it refuses to start during a rollout).
        if (row.Move is { } move && Serves(row.State))
        {
            return MovePhases[move.Phase].Unit;
        }

        // A provisioning tenant finishes first (above); a serving one upgrades only while a rollout asks.
        return UpgradesInPlace(row.State) && upgradeTarget is int target && row.MigrationVersion < target ? WorkUnit.Migrate : WorkUnit.None;
    }

    /// <summary>
    /// True when a tenant's scheduled work in <paramref name="state"/> is a retry that waits until it is due (Failed);
    /// in every other state scheduled work runs as soon as the grain is woken.
    /// </summary>
    public static bool WaitsForRetry(TenantStatus state) => state == TenantStatus.Failed;

    /// <summary>The provisioning step a unit performs (for failure records); null for <see cref="WorkUnit.Resume"/> and none.</summary>
    public static ProvisioningStep? StepOf(WorkUnit unit) =>
        StepByUnit.TryGetValue(unit, out var step) ? step : IsMoveUnit(unit) ? ProvisioningStep.Move : null;

    /// <summary>True when <paramref name="unit"/> is a phase of a move between tiers.</summary>
    public static bool IsMoveUnit(WorkUnit unit) => MovePhases.Values.Any(p => p.Unit == unit);

    /// <summary>The phase after <paramref name="phase"/>; null when the move ends with it.</summary>
    public static TenantMovePhase? AfterMovePhase(TenantMovePhase phase) => MovePhases[phase].Next;

    /// <summary>True while a move in <paramref name="phase"/> holds the tenant's callers' writes off (its rows are being copied).</summary>
    public static bool HoldsWrites(TenantMovePhase phase) => phase == TenantMovePhase.Copying;

    /// <summary>
    /// The move a failed phase leaves: none before the switch (the source is intact and serving; asking again starts
    /// over), the same one after it (routing is on the target already, so the source's removal is tried again).
    /// </summary>
    public static TenantMove? AfterMoveFailure(TenantMove move) => move.Phase == TenantMovePhase.Removing ? move : null;

    /// <summary>True when asking to move to <paramref name="to"/> changes nothing: the tenant is there, with no move running.</summary>
    public static bool AlreadyIn(TenantRow row, TenantTier to) => row.Move is null && row.Tier == to;

    /// <summary>
    /// Throws when <paramref name="row"/> cannot start (or continue to) a move to <paramref name="to"/>: only an Active
    /// tenant moves, and a move in progress is the only one until it ends. True when that same move is already running.
    /// </summary>
    public static bool EnsureMovable(TenantRow row, TenantTier to)
    {
        if (!Serves(row.State))
        {
            throw new InvalidTenantTransitionException(row.Slug, row.State, $"move to the {to.ToText()} tier (only an Active tenant moves)");
        }

        return row.Move switch
        {
            null => false,
            { To: var target } when target == to => true,
            { } other => throw new TenantConflictException(row.Slug, $"Tenant '{row.Slug}' is moving to the {other.To.ToText()} tier ({other.Phase}); a move to the {to.ToText()} tier can be asked once it ends."),
        };
    }

    /// <summary>
    /// True when an operator action waits for the tenant's move to end: a suspension, deletion or retention mid-move
    /// would leave a tier half built or half removed.
    /// </summary>
    public static bool WaitsForMove(TenantRow row) => row.Move is not null;

    /// <summary>True when <paramref name="action"/> is allowed from <paramref name="current"/>.</summary>
    public static bool Allows(TenantStatus current, TenantAction action) => Actions[action].AllowedFrom.Contains(current);

    /// <summary>True when the tenant is already where <paramref name="action"/> leads: the action changes nothing.</summary>
    public static bool AlreadyThere(TenantStatus current, TenantAction action) => Actions[action].AlreadyAt.Contains(current);

    /// <summary>The state <paramref name="action"/> leads to.</summary>
    public static TenantStatus LeadsTo(TenantAction action) => Actions[action].To;

    /// <summary>Throws <see cref="InvalidTenantTransitionException"/> naming the tenant and both states when not allowed.</summary>
    public static void Ensure(string slug, TenantStatus current, TenantAction action)
    {
        if (!Allows(current, action))
        {
            throw new InvalidTenantTransitionException(slug, current, action.ToString().ToLowerInvariant());
        }
    }

    /// <summary>Throws when a step would run from a state it does not start from (a bug, or a lost fence).</summary>
    public static void EnsureStep(string slug, TenantStatus current, ProvisioningStep step)
    {
        var rule = Steps[step];
        if (current != rule.From && !rule.InPlace.Contains(current))
        {
            throw new InvalidTenantTransitionException(slug, current, $"run step {step} (it starts from {rule.From})");
        }
    }

    /// <param name="To">The state the action leads to.</param>
    /// <param name="AllowedFrom">The states it may be asked in.</param>
    /// <param name="AlreadyAt">The states where asking changes nothing (it is idempotent); checked before the guard.</param>
    private sealed record ActionRule(TenantStatus To, TenantStatus[] AllowedFrom, TenantStatus[] AlreadyAt);

    /// <param name="Unit">The work unit that runs the phase.</param>
    /// <param name="Next">The phase after it; null when the move ends with it.</param>
    private sealed record MoveRule(WorkUnit Unit, TenantMovePhase? Next);

    /// <param name="Unit">The work unit that runs the step.</param>
    /// <param name="From">The state the step starts from.</param>
    /// <param name="To">The state it ends in.</param>
    /// <param name="InPlace">States it also runs in without leaving them.</param>
    private sealed record StepRule(WorkUnit Unit, TenantStatus From, TenantStatus To, params TenantStatus[] InPlace);
}
