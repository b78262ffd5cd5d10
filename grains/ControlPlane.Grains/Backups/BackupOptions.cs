namespace ControlPlane.Grains.Backups;

/// <summary>Where backups go and how often they are taken (configuration section <c>ControlPlane:Backups</c>).</summary>
public sealed class BackupOptions
{
    public const string SectionName = "ControlPlane:Backups";

    /// <summary>
    /// The backup store: a directory every silo can reach (a shared volume when there are several hosts). Default
    /// <c>backups</c> under the silo's state directory (<c>ControlPlane:StateDirectory</c>).
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>How often every serving tenant is backed up (e.g. <c>1.00:00:00</c>); unset or zero: no scheduled backups.</summary>
    public TimeSpan? Schedule { get; set; }

    /// <summary>Scheduled backups kept per tenant; older ones are deleted after each new one. Zero keeps them all.</summary>
    public int RetainCount { get; set; } = 7;
}
