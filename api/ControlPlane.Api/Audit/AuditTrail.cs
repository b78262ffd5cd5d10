using ControlPlane.Registry.Contracts.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Api.Audit;

/// <summary>
/// Records every call of an <see cref="AuditedAction"/> endpoint by an authenticated caller, whatever its outcome,
/// before the response starts: a caller never sees an answer whose action is not in the log yet.
/// </summary>
public static partial class AuditTrail
{
    private const string TenantItem = "controlplane.audit.tenant";
    private const string TargetItem = "controlplane.audit.target";
    private const string DetailItem = "controlplane.audit.detail";

    /// <summary>Goes before the exception handler, so the status recorded is the one the caller gets.</summary>
    public static IApplicationBuilder UseAuditTrail(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is { } action)
        {
            // Read the route now: the exception handler clears it before a refusal's response starts.
            var tenant = context.Request.RouteValues["slug"] as string;
            var target = context.Request.RouteValues["id"] as string;
            context.Response.OnStarting(() => RecordAsync(context, action, tenant, target));
        }

        await next(context);
    });

    /// <summary>Names what a handler acted on when the route does not (an onboarding's slug, a new rollout's id).</summary>
    public static void Describe(HttpContext context, string? tenant = null, string? target = null, string? detail = null)
    {
        if (tenant is not null)
        {
            context.Items[TenantItem] = tenant;
        }

        if (target is not null)
        {
            context.Items[TargetItem] = target;
        }

        if (detail is not null)
        {
            context.Items[DetailItem] = detail;
        }
    }

    private static async Task RecordAsync(HttpContext context, AuditedAction action, string? routeTenant, string? routeTarget)
    {
        // Unauthenticated calls did nothing and name nobody; they are the authentication log's business.
        if (context.User.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } actor })
        {
            return;
        }

        var draft = new AuditDraft(
            actor,
            action.Name,
            context.Items[TenantItem] as string ?? routeTenant,
            context.Items[TargetItem] as string ?? routeTarget,
            context.Response.StatusCode,
            context.Items[DetailItem] as string);
        try
        {
            await context.RequestServices.GetRequiredService<IAuditLog>().AppendAsync(draft, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The action is done but unrecorded: the caller gets a 500 rather than an answer the log cannot back.
            LogNotRecorded(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditTrail)), draft.Action, draft.Actor, draft.Tenant, ex);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {Action} by {Actor} (tenant {Tenant}) in the audit log")]
    private static partial void LogNotRecorded(ILogger logger, string action, string actor, string? tenant, Exception exception);
}
