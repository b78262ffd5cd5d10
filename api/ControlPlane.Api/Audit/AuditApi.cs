using System.Globalization;
using ControlPlane.Api.Auth;
using ControlPlane.Api.CallerTenant;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Paging;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Audit;

/// <summary><c>/v1/audit</c>: who did what to which tenant, when, and how it ended; newest first.</summary>
public static class AuditApi
{
    private const string CursorPrefix = "a:";

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit").WithTags("Audit");
        group.MapGet("/", ListAsync)
            .WithName("ListAudit")
            .WithSummary("Platform actions newest first, optionally for one tenant, paged with an opaque cursor.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return group;
    }

    // Parameters are strings so that a malformed one is a 400 naming it, not a binding failure naming nothing.
    public static async Task<Ok<AuditListResponse>> ListAsync(
        IAuditLog audit, string? tenant, string? limit, string? after, CancellationToken cancellationToken)
    {
        string? slug = null;
        if (!string.IsNullOrEmpty(tenant))
        {
            slug = TenantSlug.TryParse(tenant, out var parsed, out var error)
                ? parsed.Value
                : throw new TenantValidationException("tenant", $"'{tenant}' is not a tenant slug: {error}");
        }

        var size = PageLimit.Default;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > PageLimit.Max))
        {
            throw new TenantValidationException("limit", $"limit must be a whole number between 1 and {PageLimit.Max}.");
        }

        var before = string.IsNullOrEmpty(after) ? (long?)null : RowCursor.Decode(after, CursorPrefix);
        var entries = await audit.ListAsync(slug, before, size, cancellationToken);
        var next = entries.Count == size ? RowCursor.Encode(entries[^1].Id, CursorPrefix) : null;
        return TypedResults.Ok(new AuditListResponse([.. entries.Select(AuditEntryResponse.From)], next));
    }
}
