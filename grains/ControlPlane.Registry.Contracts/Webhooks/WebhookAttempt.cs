namespace ControlPlane.Registry.Contracts.Webhooks;

/// <summary>One attempt to deliver one event to one webhook.</summary>
/// <param name="Id">Its id (pages are cut by it, newest first).</param>
/// <param name="EventId">The event's id, also sent as <c>X-ControlPlane-Delivery</c>.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="Attempt">1 for the first attempt of this delivery.</param>
/// <param name="StatusCode">The receiver's HTTP status; null when no answer came (refused, timed out).</param>
/// <param name="LatencyMs">How long the request took.</param>
/// <param name="Error">Why it did not count as delivered; null when it did.</param>
/// <param name="NextTry">When the next attempt is due; null once delivered or given up.</param>
/// <param name="DeliveredAt">When it was delivered, for the attempt that delivered it.</param>
/// <param name="At">When the attempt ended.</param>
public sealed record WebhookAttempt(
    long Id,
    Guid EventId,
    string EventType,
    int Attempt,
    int? StatusCode,
    double LatencyMs,
    string? Error,
    DateTimeOffset? NextTry,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset At);
