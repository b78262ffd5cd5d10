using Orleans;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.TenantData;

/// <summary>The tenant a caller's credential resolved to, as it serves data.</summary>
[GenerateSerializer, Immutable, Alias("cp.TenantServing")]
public sealed record TenantServing(string Slug, string DisplayName, string Schema, TenantStatus State, int MigrationVersion);
