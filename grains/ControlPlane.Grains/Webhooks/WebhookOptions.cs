namespace ControlPlane.Grains.Webhooks;

/// <summary>Webhook delivery (configuration section <c>ControlPlane:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ControlPlane:Webhooks";

    /// <summary>How long after an event a delivery is retried; a delivery still failing then is given up (Expired).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The delay after a first failed attempt; it doubles with each further one, with up to 20% jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a dispatcher looks for due deliveries without being woken (new events wake it at once by NOTIFY;
    /// retries and missed notifications are found by this look).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many deliveries are sent at once by one silo.</summary>
    public int MaxParallel { get; set; } = 16;
}
