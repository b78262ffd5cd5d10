using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Auth;

/// <summary>The 401 and 403 answers of every authentication scheme, as problem details.</summary>
internal static class AuthProblems
{
    public static async Task WriteUnauthorizedAsync(HttpContext context, IProblemDetailsService problems, string detail, string challenge)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        await WriteAsync(context, problems, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    public static async Task WriteForbiddenAsync(HttpContext context, IProblemDetailsService problems)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var scope = context.User.FindFirst(ControlPlaneScopes.ClaimType)?.Value ?? "none";
        var tenant = context.User.FindFirst(ControlPlaneScopes.TenantClaimType)?.Value;
        var onMe = context.Request.Path.StartsWithSegments("/v1/me", StringComparison.Ordinal);
        var detail = (tenant, onMe) switch
        {
            (null, true) => $"This credential ({scope}) acts for no tenant; /v1/me needs a tenant's bearer token or a tenant-scoped API key.",
            ({ } slug, false) => $"A tenant credential (tenant '{slug}') cannot use platform endpoints such as {context.Request.Method} {context.Request.Path}.",
            _ => $"This key's scope ({scope}) does not allow {context.Request.Method} {context.Request.Path}.",
        };
        await WriteAsync(context, problems, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    /// <summary>The reason the scheme's authentication failed, or null when no credential of its kind was sent.</summary>
    public static string? FailureOf(AuthenticateResult? result) => result?.Failure?.Message;

    private static async Task WriteAsync(HttpContext context, IProblemDetailsService problems, int status, string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
}
