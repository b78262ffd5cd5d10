using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Backups;

/// <summary>What the tenant grain backs up and restores with, in one service so the grain's constructor stays as it is.</summary>
public sealed class TenantBackups(BackupStore store, BackupWriter writer, BackupLoader loader, IOptions<BackupOptions> options, BackupHooks hooks)
{
    public BackupStore Store => store;

    public BackupWriter Writer => writer;

    public BackupLoader Loader => loader;

    public BackupOptions Options => options.Value;

    public BackupHooks Hooks => hooks;
}

/// <summary>
/// Points where a test can hold a backup or a restore (to kill the silo there); both do nothing unless a test sets them.
/// </summary>
public sealed class BackupHooks
{
    /// <summary>Awaited after a backup's snapshot is written to its temporary file, before it is moved into place and recorded.</summary>
    public Func<string, Task>? BeforeBackupCompletes { get; set; }

    /// <summary>Awaited after a restore loaded and verified its staging schema, before the swap.</summary>
    public Func<string, Task>? BeforeSwap { get; set; }
}
