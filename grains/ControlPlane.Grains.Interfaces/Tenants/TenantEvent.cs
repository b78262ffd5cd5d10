using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>One state change in a tenant's timeline.</summary>
/// <param name="At">When it was committed (database clock).</param>
/// <param name="From">The state before; null for the first event.</param>
/// <param name="To">The state after.</param>
/// <param name="Step">The step that made the change, if any.</param>
/// <param name="Detail">Free text: the error of a failure, the migration applied, who retried.</param>
/// <param name="Attempt">The attempt number of the step.</param>
[GenerateSerializer, Immutable, Alias("cp.TenantEvent")]
public sealed record TenantEvent(
    DateTimeOffset At,
    TenantStatus? From,
    TenantStatus To,
    ProvisioningStep? Step,
    string? Detail,
    int Attempt);
