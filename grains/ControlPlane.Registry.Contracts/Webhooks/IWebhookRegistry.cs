namespace ControlPlane.Registry.Contracts.Webhooks;

/// <summary>Webhook subscriptions and their delivery records, kept in the registry.</summary>
public interface IWebhookRegistry
{
    /// <summary>Stores a new subscription; it receives events of changes committed after it.</summary>
    Task<WebhookRecord> CreateAsync(WebhookDraft draft, CancellationToken cancellationToken);

    /// <summary>Every subscription, oldest first.</summary>
    Task<IReadOnlyList<WebhookRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One subscription, or null.</summary>
    Task<WebhookRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Removes a subscription with its pending deliveries and records; false when no webhook has this id.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Attempts to deliver to <paramref name="id"/>, newest first, older than <paramref name="beforeId"/> when given;
    /// at most <paramref name="limit"/>. The page's last id is the next page's <paramref name="beforeId"/>.
    /// </summary>
    Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(Guid id, long? beforeId, int limit, CancellationToken cancellationToken);
}
