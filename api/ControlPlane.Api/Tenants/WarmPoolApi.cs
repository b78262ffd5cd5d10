using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Registry.Contracts.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Tenants;

/// <summary><c>/v1/pool</c>: the warm pool's size, ready schemas and refilling, read from the registry.</summary>
public static class WarmPoolApi
{
    public static RouteGroupBuilder MapWarmPoolApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/pool").WithTags("Tenants");
        group.MapGet("/", GetAsync)
            .WithName("GetWarmPool")
            .WithSummary("The warm pool: configured size, schemas ready to claim, schemas being built, stale ones awaiting replacement.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return group;
    }

    public static async Task<Ok<WarmPoolResponse>> GetAsync(IWarmPoolReader pool, CancellationToken cancellationToken)
    {
        var figures = await pool.GetAsync(cancellationToken);
        return TypedResults.Ok(new WarmPoolResponse(figures.Size, figures.Ready, figures.Refilling, figures.Stale, figures.CatalogueVersion));
    }
}
