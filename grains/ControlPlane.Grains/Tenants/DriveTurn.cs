using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Locks;

namespace ControlPlane.Grains.Tenants;

/// <summary>What one drive turn is for and what it saw last: passed down the drive's calls, never kept in grain fields.</summary>
/// <param name="UpgradeTarget">The version a rollout asked for, or null for an ordinary drive (provisioning reaches the newest).</param>
/// <param name="RolloutId">The rollout asking, whose line is updated with each migration.</param>
/// <param name="Timeouts">The lock and statement timeouts of this turn's DDL.</param>
internal sealed record DriveTurn(int? UpgradeTarget, string? RolloutId, DdlTimeouts Timeouts)
{
    /// <summary>The row as this turn last locked or saved it.</summary>
    public TenantRow? LastRow { get; set; }

    /// <summary>
    /// The turn runs in a POST, its first unit in the registration's transaction: a unit that would be long (a build
    /// when the warm pool is empty) declines with <see cref="InlineOnboardingDeclinedException"/> instead.
    /// </summary>
    public bool Inline { get; init; }

    /// <summary>A unit of this turn committed its save.</summary>
    public bool Committed { get; set; }

    /// <summary>The current unit's tries that ended in a lock timeout, and when the first did; null while it has had none.</summary>
    public TenantLockWait? LockWait { get; set; }

    /// <summary>The most tries any unit of this turn took (1 once a unit ran without a lock timeout).</summary>
    public int MaxLockTries { get; set; }

    /// <summary>
    /// Set after a try ended in a lock timeout: how long to wait before the next. The drive waits without its work
    /// connection, which another tenant (a rollout's next group) uses meanwhile.
    /// </summary>
    public TimeSpan? PauseBeforeNextTry { get; set; }

    /// <summary>The try under way now: one more than those that ended in a lock timeout.</summary>
    public int CurrentTry => (LockWait?.Tries ?? 0) + 1;

    /// <summary>
    /// A unit committed or failed: its tries count toward <see cref="MaxLockTries"/>, and the next unit starts afresh.
    /// <paramref name="lastTryTimedOut"/>: the tries ran out, so the last one is already in <see cref="LockWait"/>.
    /// </summary>
    public void UnitEnded(bool lastTryTimedOut = false)
    {
        MaxLockTries = Math.Max(MaxLockTries, lastTryTimedOut ? LockWait?.Tries ?? 1 : CurrentTry);
        LockWait = null;
    }
}

/// <summary>An inline onboarding's unit would not be short: roll it back (the registration with it) and drive the tenant in the background.</summary>
internal sealed class InlineOnboardingDeclinedException(string reason) : Exception(reason);
