using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>What onboarding asks for.</summary>
/// <param name="DisplayName">Human-readable name; the seed data is personalised with it.</param>
/// <param name="Labels">Labels the tenant starts with (kept as they are when the tenant already exists: change them with PATCH).</param>
[GenerateSerializer, Immutable, Alias("cp.ProvisionRequest")]
public sealed record ProvisionRequest(string DisplayName, IReadOnlyDictionary<string, string?>? Labels = null)
{
    /// <summary>A tenant whose data the new one copies instead of the seed (a clone); null for a seeded tenant.</summary>
    [Id(50)]
    public string? CloneFrom { get; init; }

    /// <summary>A schema of the same database whose tables of the model the new tenant copies (an import).</summary>
    [Id(51)]
    public string? ImportFromSchema { get; init; }

    /// <summary>The tier the tenant is built in; null: the configured default (<c>ControlPlane:Tenants:DefaultTier</c>).</summary>
    [Id(52)]
    public TenantTier? Tier { get; init; }
}
