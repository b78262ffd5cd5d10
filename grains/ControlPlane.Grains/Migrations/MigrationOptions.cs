namespace ControlPlane.Grains.Migrations;

/// <summary>
/// How tenant DDL (provisioning steps and migrations) waits for locks and how long it may run (configuration section
/// <c>ControlPlane:Migrations</c>); a rollout may set its own <c>lockTimeout</c> and <c>statementTimeout</c>.
/// </summary>
/// <remarks>
/// An <c>ALTER TABLE</c> queued behind a tenant's long transaction makes every later query on that table queue behind
/// it: the lock timeout bounds how long the tenant's own queries can be held up, and the retries make up for giving up.
/// </remarks>
public sealed class MigrationOptions
{
    public const string SectionName = "ControlPlane:Migrations";

    /// <summary>How long one DDL statement waits for a lock before its unit gives up and is tried again.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tries of one unit (the first included) that may end in a lock timeout before the unit counts as failed.</summary>
    public int LockTries { get; set; } = 5;

    /// <summary>Ceiling of the first pause between tries; the ceiling doubles with each try (full jitter: the pause is random below it).</summary>
    public TimeSpan LockRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The highest ceiling of a pause between tries.</summary>
    public TimeSpan LockRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one DDL statement may run before its tenant fails; zero: no limit.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.Zero;
}
