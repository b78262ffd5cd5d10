using System.Globalization;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Registry.Contracts.Migrations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Migrations;

/// <summary><c>/v1/migrations</c>: the catalogue of tenant migrations, re-read from its folder on each request.</summary>
public static class MigrationsApi
{
    public static RouteGroupBuilder MapMigrationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/migrations").WithTags("Migrations");
        group.MapGet("/", ListAsync)
            .WithName("ListMigrations")
            .WithSummary("The migration catalogue (version, name, checksum, lint findings) and how many tenants are at each version.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return group;
    }

    public static async Task<Ok<MigrationsResponse>> ListAsync(IMigrationCatalogReader catalog, CancellationToken cancellationToken)
    {
        var view = await catalog.ReadAsync(cancellationToken);
        return TypedResults.Ok(new MigrationsResponse(
            view.LatestVersion,
            [.. view.Migrations.Select(m => new MigrationResponse(m.Version, m.Name, m.Checksum, m.Transactional, m.TenantsAtVersion, [.. m.Lint.Select(LintFindingResponse.From)]))],
            view.TenantsByVersion.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value)));
    }
}
