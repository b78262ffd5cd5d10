using System.Security.Claims;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains;
using ControlPlane.Grains.TenantData;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.CallerTenant;

/// <summary>
/// <c>/v1/me</c>: the caller's own tenant and its data (the example base model). The tenant comes from the credential
/// alone (a tenant's bearer token or a tenant-scoped API key); platform keys are refused (403), so no request reaches
/// tenant data without a tenant.
/// </summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/v1/me").WithTags("Tenant data").RequireAuthorization(ControlPlaneScopes.TenantPolicy);
        me.MapGet("/", GetAsync)
            .WithName("GetMe")
            .WithSummary("The tenant your credential acts for (403 when it does not exist or is not Active).");
        TenantResourceEndpoints.Map(me, "teams", TenantDataSet.Teams, "team");
        TenantResourceEndpoints.Map(me, "users", TenantDataSet.Users, "user");
        TenantResourceEndpoints.Map(me, "components", TenantDataSet.Components, "component");
        TenantResourceEndpoints.Map(me, "environments", TenantDataSet.Environments, "environment");
        TenantResourceEndpoints.Map(me, "tags", TenantDataSet.Tags, "tag");
        TenantResourceEndpoints.Map(me, "versions", TenantDataSet.Versions, "version");
        return me;
    }

    public static async Task<Ok<MeResponse>> GetAsync(ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var tenant = await grains.GetGrainByKey<ITenantDataGrain>(TenantCaller.SlugOf(user)).GetServingAsync(cancellationToken);
        return TypedResults.Ok(MeResponse.From(tenant, user.Identity?.Name ?? "unknown"));
    }
}
