namespace ControlPlane.Registry.Contracts.Webhooks;

/// <summary>The event names a webhook can subscribe to: the public contract of <c>POST /v1/webhooks</c>.</summary>
public static class WebhookEventTypes
{
    public const string TenantActive = "tenant.active";
    public const string TenantFailed = "tenant.failed";
    public const string TenantDeleted = "tenant.deleted";
    public const string RolloutStarted = "rollout.started";
    public const string RolloutWaveCompleted = "rollout.wave.completed";
    public const string RolloutHalted = "rollout.halted";
    public const string RolloutCompleted = "rollout.completed";

    /// <summary>Subscribes to every event, including ones added later.</summary>
    public const string All = "*";

    /// <summary>Every name a subscription may list, in the order the docs give them.</summary>
    public static IReadOnlyList<string> Known { get; } =
        [TenantActive, TenantFailed, TenantDeleted, RolloutStarted, RolloutWaveCompleted, RolloutHalted, RolloutCompleted, All];
}
