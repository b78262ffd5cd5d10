using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Audit;
using ControlPlane.Grains.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Audit;

/// <summary><c>/v1/audit</c>: who did what to which tenant, when, and how it ended; newest first.</summary>
public static class AuditApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;
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

        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            throw new TenantValidationException("limit", $"limit must be a whole number between 1 and {MaxLimit}.");
        }

        var before = string.IsNullOrEmpty(after) ? (long?)null : Decode(after);
        var entries = await audit.ListAsync(slug, before, size, cancellationToken);
        var next = entries.Count == size ? Encode(entries[^1].Id) : null;
        return TypedResults.Ok(new AuditListResponse([.. entries.Select(AuditEntryResponse.From)], next));
    }

    private static string Encode(long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorPrefix + id.ToString(CultureInfo.InvariantCulture)));

    private static long Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(CursorPrefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }

        throw new TenantValidationException("after", "The cursor is not one this API issued; pass the 'next' value of the previous page unchanged.");
    }
}
