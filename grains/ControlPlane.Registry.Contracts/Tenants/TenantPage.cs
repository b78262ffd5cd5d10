using ControlPlane.Grains.Tenants;
namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>A page of a tenant listing; <see cref="NextAfter"/> is the slug to continue after, null on the last page.</summary>
public sealed record TenantPage(IReadOnlyList<TenantSnapshot> Items, string? NextAfter);
