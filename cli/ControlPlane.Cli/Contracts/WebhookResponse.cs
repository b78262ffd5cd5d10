namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/webhooks</c>.</summary>
internal sealed record CreateWebhookRequest(string Url, IReadOnlyList<string> Events, string Secret);

/// <summary>A webhook as the API shows it (never its secret).</summary>
internal sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, string SecretHint, DateTimeOffset CreatedAt, string? CreatedBy, int Pending);

/// <summary><c>GET /v1/webhooks</c>.</summary>
internal sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Items);

/// <summary>A page of <c>GET /v1/webhooks/{id}/deliveries</c>, newest first.</summary>
internal sealed record WebhookDeliveryListResponse(IReadOnlyList<WebhookDeliveryResponse> Items, string? Next);

/// <summary>One delivery attempt.</summary>
internal sealed record WebhookDeliveryResponse(
    long Id, Guid EventId, string EventType, int Attempt, int? StatusCode, double LatencyMs, string? Error, DateTimeOffset? NextTry, DateTimeOffset? DeliveredAt, DateTimeOffset At);
