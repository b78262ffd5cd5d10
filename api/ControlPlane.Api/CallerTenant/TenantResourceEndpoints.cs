using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Paging;
using ControlPlane.Grains;
using ControlPlane.Grains.TenantData;
using ControlPlane.Grains.Tenants;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.CallerTenant;

/// <summary>
/// List (keyset-paged), get, create, update (the fields given) and delete for one table of the caller's tenant.
/// Each request goes to the tenant's grain, which runs it on the tenant's own pool as the tenant's role.
/// </summary>
internal static class TenantResourceEndpoints
{
    public static void Map(RouteGroupBuilder me, string path, TenantDataSet dataSet, string singular)
    {
        var group = me.MapGroup(path).WithTags($"Tenant data: {path}");
        var name = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(path);
        group.MapGet("/", (ClaimsPrincipal user, IGrainFactory grains, int? limit, string? after, CancellationToken ct) => ListAsync(dataSet, user, grains, limit, after, ct))
            .WithName($"List{name}").WithSummary($"Your tenant's {path}, by id, paged with an opaque cursor.");
        group.MapGet("/{id}", (string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) => GetAsync(dataSet, id, user, grains, ct))
            .WithName($"Get{name}").WithSummary($"One {singular} of your tenant.");
        group.MapPost("/", (Dictionary<string, JsonElement> body, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) => CreateAsync(dataSet, path, body, user, grains, ct))
            .WithName($"Create{name}").WithSummary($"Create a {singular} in your tenant.");
        group.MapPatch("/{id}", (string id, Dictionary<string, JsonElement> body, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) => UpdateAsync(dataSet, id, body, user, grains, ct))
            .WithName($"Update{name}").WithSummary($"Change the given fields of one {singular}; the others stay.");
        group.MapDelete("/{id}", (string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) => DeleteAsync(dataSet, id, user, grains, ct))
            .WithName($"Delete{name}").WithSummary($"Delete one {singular}.");
    }

    private static async Task<Ok<TenantRowListResponse>> ListAsync(
        TenantDataSet dataSet, ClaimsPrincipal user, IGrainFactory grains, int? limit, string? after, CancellationToken cancellationToken)
    {
        var pageSize = PageLimit.Resolve(limit);

        long? afterId = string.IsNullOrEmpty(after) ? null : RowCursor.Decode(after);
        var page = await Grain(user, grains).ListAsync(dataSet, afterId, pageSize, cancellationToken);
        return TypedResults.Ok(new TenantRowListResponse(page.Items, page.NextAfter is long next ? RowCursor.Encode(next) : null));
    }

    private static async Task<Ok<IReadOnlyDictionary<string, object?>>> GetAsync(
        TenantDataSet dataSet, string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Grain(user, grains).FindAsync(dataSet, ParseId(id), cancellationToken));

    private static async Task<Created<IReadOnlyDictionary<string, object?>>> CreateAsync(
        TenantDataSet dataSet, string path, Dictionary<string, JsonElement> body, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var row = await Grain(user, grains).InsertAsync(dataSet, JsonSerializer.Serialize(body), cancellationToken);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/v1/me/{path}/{row["id"]}"), row);
    }

    private static async Task<Ok<IReadOnlyDictionary<string, object?>>> UpdateAsync(
        TenantDataSet dataSet, string id, Dictionary<string, JsonElement> body, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Grain(user, grains).UpdateAsync(dataSet, ParseId(id), JsonSerializer.Serialize(body), cancellationToken));

    private static async Task<NoContent> DeleteAsync(
        TenantDataSet dataSet, string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        await Grain(user, grains).DeleteAsync(dataSet, ParseId(id), cancellationToken);
        return TypedResults.NoContent();
    }

    private static ITenantDataGrain Grain(ClaimsPrincipal user, IGrainFactory grains) =>
        grains.GetGrainByKey<ITenantDataGrain>(TenantCaller.SlugOf(user));

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new TenantValidationException("id", $"'{id}' is not a row id (a positive whole number).");
}
