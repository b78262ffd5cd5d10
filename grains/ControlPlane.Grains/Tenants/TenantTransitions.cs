using System.Collections.Frozen;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The state machine's table: which state each step moves from and to, and which operator actions each state
/// allows. Every transition goes through these guards.
/// </summary>
public static class TenantTransitions
{
    private static readonly FrozenDictionary<ProvisioningStep, (TenantStatus From, TenantStatus To)> Steps =
        new Dictionary<ProvisioningStep, (TenantStatus, TenantStatus)>
        {
            [ProvisioningStep.CreateSchema] = (TenantStatus.Requested, TenantStatus.SchemaCreated),
            [ProvisioningStep.Migrate] = (TenantStatus.SchemaCreated, TenantStatus.Migrated),
            [ProvisioningStep.Seed] = (TenantStatus.Migrated, TenantStatus.Seeded),
            [ProvisioningStep.Activate] = (TenantStatus.Seeded, TenantStatus.Active),
            [ProvisioningStep.Deprovision] = (TenantStatus.Deprovisioning, TenantStatus.Deleted),
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
        var from = From(step);
        if (current != from && !(step == ProvisioningStep.Migrate && current is TenantStatus.Active or TenantStatus.Suspended))
        {
            throw new InvalidTenantTransitionException(slug, current, $"run step {step} (it starts from {from})");
        }
    }
}
