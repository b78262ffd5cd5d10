using System.Collections.Frozen;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The tenant state machine's one home: which state each step moves from and to, and which operator actions each
/// state allows. Every transition goes through these guards (docs/state-machine.md).
/// </summary>
public static class TenantStateMachine
{
    private static readonly FrozenDictionary<ProvisioningStep, StepRule> Steps =
        new Dictionary<ProvisioningStep, StepRule>
        {
            [ProvisioningStep.CreateSchema] = new(TenantStatus.Requested, TenantStatus.SchemaCreated),

            // A rollout's upgrade runs Migrate in place: the tenant stays Active (or Suspended) and keeps its state.
            [ProvisioningStep.Migrate] = new(TenantStatus.SchemaCreated, TenantStatus.Migrated, InPlace: [TenantStatus.Active, TenantStatus.Suspended]),
            [ProvisioningStep.Seed] = new(TenantStatus.Migrated, TenantStatus.Seeded),
            [ProvisioningStep.Activate] = new(TenantStatus.Seeded, TenantStatus.Active),
            [ProvisioningStep.Deprovision] = new(TenantStatus.Deprovisioning, TenantStatus.Deleted),
        }.ToFrozenDictionary();

    private static readonly FrozenDictionary<TenantAction, TenantStatus[]> Actions =
        new Dictionary<TenantAction, TenantStatus[]>
        {
            [TenantAction.Retry] = [TenantStatus.Failed],
            [TenantAction.Suspend] = [TenantStatus.Active],
            [TenantAction.Resume] = [TenantStatus.Suspended],
            [TenantAction.Delete] =
            [
                TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded,
                TenantStatus.Active, TenantStatus.Failed, TenantStatus.Suspended,
            ],
        }.ToFrozenDictionary();

    /// <summary>The state a step starts from (and a failed tenant returns to when the step is retried).</summary>
    public static TenantStatus From(ProvisioningStep step) => Steps[step].From;

    /// <summary>The state a step ends in.</summary>
    public static TenantStatus To(ProvisioningStep step) => Steps[step].To;

    /// <summary>True when <paramref name="action"/> is allowed from <paramref name="current"/>.</summary>
    public static bool Allows(TenantStatus current, TenantAction action) => Actions[action].Contains(current);

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

    /// <param name="From">The state the step starts from.</param>
    /// <param name="To">The state it ends in.</param>
    /// <param name="InPlace">States it also runs in without leaving them.</param>
    private sealed record StepRule(TenantStatus From, TenantStatus To, params TenantStatus[] InPlace);
}
