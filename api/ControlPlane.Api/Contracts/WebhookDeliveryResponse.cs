using ControlPlane.Registry.Contracts.Webhooks;

namespace ControlPlane.Api.Contracts;

/// <summary>One attempt to deliver an event; <see cref="NextTry"/> says when it is tried again (null once delivered or given up).</summary>
public sealed record WebhookDeliveryResponse(
    long Id, Guid EventId, string EventType, int Attempt, int? StatusCode, double LatencyMs, string? Error, DateTimeOffset? NextTry, DateTimeOffset? DeliveredAt, DateTimeOffset At)
{
    public static WebhookDeliveryResponse From(WebhookAttempt a) =>
        new(a.Id, a.EventId, a.EventType, a.Attempt, a.StatusCode, Math.Round(a.LatencyMs, 1), a.Error, a.NextTry, a.DeliveredAt, a.At);
}

/// <summary>A page of attempts, newest first; pass <see cref="Next"/> as <c>after</c> for older ones (null on the last).</summary>
public sealed record WebhookDeliveryListResponse(IReadOnlyList<WebhookDeliveryResponse> Items, string? Next);
