using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Groups;

/// <summary>
/// One tenant grain's place in a migration group: it waits for its <see cref="Seat"/>, decides from the row the group
/// locked for it, and either submits its save (<see cref="Submit"/>) or declines (<see cref="Decline"/>). Every
/// decision stays the grain's own; the group only carries several grains' statements in one transaction.
/// </summary>
public sealed class MigrationGroupMember
{
    private readonly TaskCompletionSource<MigrationGroupSeat> _seat = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TenantSave?> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TenantRow> _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal MigrationGroupMember(string slug) => Slug = slug;

    /// <summary>The tenant.</summary>
    public string Slug { get; }

    /// <summary>
    /// Completes when the member's turn comes: with its row locked by a group's transaction, or with a work connection
    /// of its own when no other tenant was waiting (a group of one would save nothing).
    /// </summary>
    public Task<MigrationGroupSeat> Seat => _seat.Task;

    /// <summary>
    /// The member's row as the group committed it. Faults with <see cref="MigrationGroupAbortedException"/> when the
    /// group's transaction failed and nothing of it was kept (the member then runs alone), or with the connection's
    /// error when the commit's outcome is unknown.
    /// </summary>
    public Task<TenantRow> Committed => _committed.Task;

    /// <summary>Completes when the group's transaction has ended, so the member's row lock is free again.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Joins the group's commit with <paramref name="save"/>; false when the group already went on without it.</summary>
    public bool Submit(TenantSave save) => _decision.TrySetResult(save);

    /// <summary>
    /// Leaves the group without writing: the member runs its unit alone once <see cref="Ended"/>. The group declines for
    /// a member that has not decided when it goes on (too late, or the group failed first).
    /// </summary>
    public void Decline() => _decision.TrySetResult(null);

    internal Task<TenantSave?> Decision => _decision.Task;

    internal void Seated(MigrationGroupSeat seat) => _seat.TrySetResult(seat);

    internal void SeatFailed(Exception error)
    {
        _seat.TrySetException(error);
        _ended.TrySetResult();
    }

    internal void Commit(TenantRow row) => _committed.TrySetResult(row);

    internal void Fail(Exception error) => _committed.TrySetException(error);

    internal void End() => _ended.TrySetResult();
}

/// <summary>
/// What a member is given: the row the group locked for it (null when it was not locked: the tenant does not exist or
/// another transaction holds its row) on the group's connection and transaction, or <see cref="Alone"/>, a work
/// connection of its own to run the unit the ordinary way and dispose. <c>Slot</c> is the member's place in the group,
/// which names the setting its migration's duration waits in.
/// </summary>
public sealed record MigrationGroupSeat(
    LockedTenant? Locked,
    NpgsqlConnection? Connection,
    NpgsqlTransaction? Transaction,
    TimeSpan LockTimeoutCap,
    WorkConnectionLease? Alone,
    int Slot = 0);

/// <summary>The group's transaction failed (one member's DDL, a lock wait past the group's limit): nothing of it was kept.</summary>
public sealed class MigrationGroupAbortedException(string message, Exception inner) : Exception(message, inner);
