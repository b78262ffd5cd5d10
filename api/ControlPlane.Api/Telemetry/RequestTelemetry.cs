using System.Diagnostics;
using ControlPlane.Api.Auth;
using ControlPlane.Grains.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Api.Telemetry;

/// <summary>
/// Names and tags the span ASP.NET Core opens for each request (source <c>Microsoft.AspNetCore</c>): its route,
/// status and the tenant it is about (from the route, or the caller's tenant credential), and the exception handled. Request logs get the same tenant fields.
/// </summary>
public static class RequestTelemetry
{
    /// <summary>ASP.NET Core's own activity source: one span per request.</summary>
    public const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    /// <summary>Goes before the exception handler, so the span sees the final status and the handled exception.</summary>
    public static IApplicationBuilder UseRequestTelemetry(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var routeTenant = context.Request.RouteValues.TryGetValue("slug", out var slug) ? slug as string : null;
        using (routeTenant is null ? null : LoggerOf(context).BeginScope(TenantFields(routeTenant)))
        {
            await next(context);
        }

        if (Activity.Current is not { } span)
        {
            return;
        }

        // A group's root route reads "/v1/tenants/"; spans name it "/v1/tenants".
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') : null;
        span.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
        span.SetTag("http.request.method", context.Request.Method);
        span.SetTag("url.path", context.Request.Path.Value);
        span.SetTag("http.route", route);
        span.SetTag("http.response.status_code", context.Response.StatusCode);
        if ((routeTenant ?? context.User.FindFirst(ControlPlaneScopes.TenantClaimType)?.Value) is { } tenant)
        {
            foreach (var (key, value) in TenantFields(tenant))
            {
                span.SetTag(key, value);
            }
        }

        if (route?.StartsWith("/v1/rollouts/{id}", StringComparison.Ordinal) == true && context.Request.RouteValues.TryGetValue("id", out var id))
        {
            span.SetTag(TelemetryTags.RolloutId, id);
        }

        if (context.Features.Get<IExceptionHandlerFeature>()?.Error is { } error)
        {
            span.AddException(error);
        }

        if (context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }
    });

    /// <summary>Sets the tenant a request turned out to be about (an onboarding names it in its body).</summary>
    public static void TagTenant(string slug)
    {
        Activity.Current?.SetTag(TelemetryTags.TenantId, slug).SetTag(TelemetryTags.TenantSchema, TelemetryTags.SchemaPrefix + slug);
    }

    private static Dictionary<string, object?> TenantFields(string tenant) => new()
    {
        [TelemetryTags.TenantId] = tenant,
        [TelemetryTags.TenantSchema] = TelemetryTags.SchemaPrefix + tenant,
    };

    private static ILogger LoggerOf(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ControlPlane.Api.Requests");
}
