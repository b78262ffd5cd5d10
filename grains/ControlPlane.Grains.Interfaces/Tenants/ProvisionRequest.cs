using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What onboarding asks for.</summary>
/// <param name="DisplayName">Human-readable name; the seed data is personalised with it.</param>
/// <param name="Labels">Labels the tenant starts with (kept as they are when the tenant already exists: change them with PATCH).</param>
[GenerateSerializer, Immutable, Alias("cp.ProvisionRequest")]
public sealed record ProvisionRequest(string DisplayName, IReadOnlyDictionary<string, string?>? Labels = null);
