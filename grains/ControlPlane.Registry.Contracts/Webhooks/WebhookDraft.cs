namespace ControlPlane.Registry.Contracts.Webhooks;

/// <summary>A subscription to store, already validated.</summary>
public sealed record WebhookDraft(Uri Url, IReadOnlyList<string> Events, string Secret, string? CreatedBy);
