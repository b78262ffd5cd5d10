namespace ControlPlane.Grains.Tenants;

/// <summary>What onboarding asks for.</summary>
/// <param name="DisplayName">Human-readable name; the seed data is personalised with it.</param>
public sealed record ProvisionRequest(string DisplayName);
