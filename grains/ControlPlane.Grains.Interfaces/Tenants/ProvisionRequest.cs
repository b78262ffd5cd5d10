using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What onboarding asks for.</summary>
/// <param name="DisplayName">Human-readable name; the seed data is personalised with it.</param>
[GenerateSerializer, Immutable, Alias("cp.ProvisionRequest")]
public sealed record ProvisionRequest(string DisplayName);
