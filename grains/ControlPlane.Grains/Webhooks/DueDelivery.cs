namespace ControlPlane.Grains.Webhooks;

/// <summary>A delivery a dispatcher has claimed: what to send where, and which attempt this is.</summary>
public sealed record DueDelivery(Guid WebhookId, Guid EventId, int Attempt, string Url, string Secret, string EventType, string Body);
