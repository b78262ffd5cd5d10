using Orleans;
namespace ControlPlane.Grains.TenantData;

/// <summary>A page of rows ordered by id; <see cref="NextAfter"/> is the id to continue after (null on the last page).</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantDataPage")]
public sealed record TenantDataPage(IReadOnlyList<IReadOnlyDictionary<string, object?>> Items, long? NextAfter);
