namespace ControlPlane.Registry.Contracts.Webhooks;

/// <summary>A stored subscription, without its secret.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Url">Where deliveries are POSTed.</param>
/// <param name="Events">The event names it receives (<c>*</c> for all).</param>
/// <param name="SecretHint">The first 8 hex digits of the secret's SHA-256, to tell which secret it was given.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="Pending">Deliveries not yet made (still being retried).</param>
public sealed record WebhookRecord(
    Guid Id,
    string Url,
    IReadOnlyList<string> Events,
    string SecretHint,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    int Pending);
