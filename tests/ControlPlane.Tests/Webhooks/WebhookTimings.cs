namespace ControlPlane.Tests.Webhooks;

/// <summary>Webhook retries shortened so that a receiver's outage and recovery fit in a test's patience.</summary>
internal static class WebhookTimings
{
    public static (string Key, string Value)[] InProcess { get; } =
    [
        ("ControlPlane:Webhooks:RetryBaseDelay", "00:00:00.100"),
        ("ControlPlane:Webhooks:RetryMaxDelay", "00:00:00.500"),
        ("ControlPlane:Webhooks:PollInterval", "00:00:00.200"),
        ("ControlPlane:Webhooks:Timeout", "00:00:02"),
    ];

    /// <summary>The same, as a silo process's environment.</summary>
    public static Dictionary<string, string> Environment { get; } =
        InProcess.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
}
