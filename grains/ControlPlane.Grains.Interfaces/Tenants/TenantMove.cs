using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A move of the tenant to <paramref name="To"/>, in progress since <paramref name="StartedAt"/> (the database's clock).</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantMove")]
public sealed record TenantMove([property: Id(0)] TenantTier To, [property: Id(1)] TenantMovePhase Phase, [property: Id(2)] DateTimeOffset StartedAt);
