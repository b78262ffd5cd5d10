namespace ControlPlane.Runtime.Hosting;

/// <summary>Settings of the actor runtime (configuration section <c>ControlPlane:Runtime</c>).</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ControlPlane:Runtime";

    /// <summary>An activation that received no call for this long is deactivated (Orleans' default is 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls that may wait in one activation's mailbox; one more is refused with <see cref="MailboxFullException"/>.</summary>
    public int MailboxCapacity { get; set; } = 256;

    /// <summary>How long a grain's <see cref="Grain.OnDeactivateAsync"/> may take before its token is cancelled.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
