namespace ControlPlane.Grains.Tenants;

/// <summary>Retry and scheduling of provisioning (configuration section <c>ControlPlane:Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "ControlPlane:Provisioning";

    /// <summary>Failed attempts of one step before automatic retries stop and a manual retry is needed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first automatic retry; it doubles with each attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between automatic retries.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each silo looks for due work (retries, and tenants left mid-way by a dead silo).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most tenants one sweep hands to grains.</summary>
    public int SweepBatchSize { get; set; } = 64;

    /// <summary>
    /// Whether a tenant built from nothing takes its four provisioning steps in one transaction (Steps/BuildStep.cs);
    /// false runs every step as its own unit, so each state in between is committed and visible while it builds.
    /// </summary>
    public bool BuildInOneTransaction { get; set; } = true;
}
