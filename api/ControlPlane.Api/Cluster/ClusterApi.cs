using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Registry.Contracts.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Cluster;

/// <summary><c>/v1/cluster</c>: the silos of the membership table, as any silo reads it from the registry.</summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/cluster").WithTags("Cluster");
        group.MapGet("/", GetAsync)
            .WithName("GetCluster")
            .WithSummary("Live and dead silos (live first): address, start, heartbeat, status and grain activations.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return group;
    }

    public static async Task<Ok<ClusterResponse>> GetAsync(IClusterMembership membership, CancellationToken cancellationToken)
    {
        var silos = await membership.ListSilosAsync(cancellationToken);
        return TypedResults.Ok(new ClusterResponse([.. silos.Select(s => new SiloResponse(
            s.SiloId, s.Name, s.Address, s.StartedAt, s.HeartbeatAt, s.Status.ToString(), s.StoppedAt, s.ActiveGrains))]));
    }
}
