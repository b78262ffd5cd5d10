using ControlPlane.Grains.TenantData;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>The tenant the caller's credential acts for.</summary>
public sealed record MeResponse(string Tenant, string DisplayName, string Schema, TenantStatus State, int MigrationVersion, string Caller)
{
    public static MeResponse From(TenantServing tenant, string caller) =>
        new(tenant.Slug, tenant.DisplayName, tenant.Schema, tenant.State, tenant.MigrationVersion, caller);
}
