using ControlPlane.Registry.Contracts.Webhooks;

namespace ControlPlane.Api.Contracts;

/// <summary>A webhook: never its secret, only a hint (the first 8 hex digits of its SHA-256) to tell which one it has.</summary>
public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, string SecretHint, DateTimeOffset CreatedAt, string? CreatedBy, int Pending)
{
    public static WebhookResponse From(WebhookRecord hook) =>
        new(hook.Id, hook.Url, hook.Events, hook.SecretHint, hook.CreatedAt, hook.CreatedBy, hook.Pending);
}

/// <summary>Every webhook, oldest first.</summary>
public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Items);
