using Orleans;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.TenantData;

/// <summary>The tenant a caller's credential resolved to, as it serves data.</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantServing")]
public sealed record TenantServing(string Slug, string DisplayName, string Schema, TenantStatus State, int MigrationVersion)
{
    /// <summary>Where its data lives, which decides how its data calls connect (docs/tiers.md).</summary>
    [Id(5)]
    public TenantTier Tier { get; init; }

    /// <summary>True while a move copies its rows: writes are refused with <see cref="Tenants.TenantWritesHeldException"/>, reads go on.</summary>
    [Id(85)]
    public bool WritesHeld { get; init; }
}
