using System.Globalization;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.CallerTenant;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Paging;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c>: subscriptions to tenant and rollout events, delivered signed, at least once, in order per
/// tenant and per rollout; and each subscription's delivery attempts.
/// </summary>
public static class WebhooksApi
{
    private const string CursorPrefix = "w:";
    private const int MinSecretLength = 16;
    private const int MaxSecretLength = 256;
    private const int MaxUrlLength = 2000;

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/webhooks").WithTags("Webhooks");
        group.MapPost("/", CreateAsync)
            .WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events (201); it receives the events of changes committed from now on.")
            .ProducesValidationProblem()
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("webhook.create");
        group.MapGet("/", ListAsync)
            .WithName("ListWebhooks")
            .WithSummary("Every webhook, without secrets.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetWebhook")
            .WithSummary("One webhook, without its secret.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteWebhook")
            .WithSummary("Remove a webhook: nothing more is sent to it, and its pending deliveries and records go with it.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("webhook.delete");
        group.MapGet("/{id}/deliveries", DeliveriesAsync)
            .WithName("ListWebhookDeliveries")
            .WithSummary("Delivery attempts newest first: event, attempt, status code, latency, error, next try.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        return group;
    }

    public static async Task<Created<WebhookResponse>> CreateAsync(
        CreateWebhookRequest request, IWebhookRegistry registry, HttpContext context, CancellationToken cancellationToken)
    {
        var url = ValidateUrl(request.Url);
        var events = ValidateEvents(request.Events);
        if (request.Secret is not { Length: >= MinSecretLength and <= MaxSecretLength } secret)
        {
            throw new TenantValidationException("secret", $"The secret must be {MinSecretLength} to {MaxSecretLength} characters.");
        }

        var hook = await registry.CreateAsync(new WebhookDraft(url, events, secret, context.User.Identity?.Name), cancellationToken);
        AuditTrail.Describe(context, tenant: null, target: hook.Id.ToString(), detail: $"{hook.Url} ({string.Join(", ", hook.Events)})");
        return TypedResults.Created($"/v1/webhooks/{hook.Id}", WebhookResponse.From(hook));
    }

    public static async Task<Ok<WebhookListResponse>> ListAsync(IWebhookRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(new WebhookListResponse([.. (await registry.ListAsync(cancellationToken)).Select(WebhookResponse.From)]));

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetAsync(string id, IWebhookRegistry registry, CancellationToken cancellationToken) =>
        await registry.GetAsync(ParseId(id), cancellationToken) is { } hook ? TypedResults.Ok(WebhookResponse.From(hook)) : NotFound(id);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IWebhookRegistry registry, HttpContext context, CancellationToken cancellationToken)
    {
        AuditTrail.Describe(context, tenant: null, target: id);
        return await registry.DeleteAsync(ParseId(id), cancellationToken) ? TypedResults.NoContent() : NotFound(id);
    }

    // Parameters are strings so that a malformed one is a 400 naming it, not a binding failure naming nothing.
    public static async Task<Results<Ok<WebhookDeliveryListResponse>, ProblemHttpResult>> DeliveriesAsync(
        string id, string? limit, string? after, IWebhookRegistry registry, CancellationToken cancellationToken)
    {
        var webhookId = ParseId(id);
        var size = PageLimit.Default;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > PageLimit.Max))
        {
            throw new TenantValidationException("limit", $"limit must be a whole number between 1 and {PageLimit.Max}.");
        }

        var before = string.IsNullOrEmpty(after) ? (long?)null : RowCursor.Decode(after, CursorPrefix);
        if (await registry.GetAsync(webhookId, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var attempts = await registry.AttemptsAsync(webhookId, before, size, cancellationToken);
        var next = attempts.Count == size ? RowCursor.Encode(attempts[^1].Id, CursorPrefix) : null;
        return TypedResults.Ok(new WebhookDeliveryListResponse([.. attempts.Select(WebhookDeliveryResponse.From)], next));
    }

    private static Uri ValidateUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(parsed.Host))
        {
            throw new TenantValidationException("url", $"The url must be an absolute http or https URL of at most {MaxUrlLength} characters.");
        }

        return parsed;
    }

    private static List<string> ValidateEvents(IReadOnlyList<string?>? events)
    {
        if (events is null || events.Count == 0)
        {
            throw new TenantValidationException("events", $"List at least one event: {string.Join(", ", WebhookEventTypes.Known)}.");
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not { } name || !WebhookEventTypes.Known.Contains(name))
            {
                throw new TenantValidationException($"events[{i}]", $"'{events[i]}' is not an event; the events are {string.Join(", ", WebhookEventTypes.Known)}.");
            }
        }

        return [.. events.OfType<string>().Distinct()];
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw new TenantValidationException("id", $"'{id}' is not a webhook id (a UUID).");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Webhook not found", detail: $"No webhook has the id '{id}'.");
}
