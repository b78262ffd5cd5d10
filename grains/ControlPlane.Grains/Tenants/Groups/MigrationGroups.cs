using System.Collections.Concurrent;
using System.Diagnostics;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Rollouts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Groups;

/// <summary>
/// Group commit for a rollout's migrations: tenant grains waiting for a work connection share one transaction, so
/// several tenants pay one row lock round trip, one save round trip and one commit between them (docs/rollouts.md,
/// "Migration groups").
/// </summary>
/// <remarks>
/// Each grain still decides its own migration from its own locked row and passes its own fence; the group only sends
/// the grains' statements together. A group is all or nothing: when its transaction fails, nothing of it is kept and
/// every member runs alone, the ordinary way, where its failure is its own. A member's tables stay locked until the
/// whole group commits, so a group's lock waits give up after <see cref="RolloutOptions.GroupHoldLimit"/> (a live
/// tenant's query holding a table sends that tenant's migration to run alone, under the rollout's own timeouts, and
/// the others on), and a group that took longer than that makes the next ones smaller (<see cref="MigrationGroupSizing"/>).
/// </remarks>
public sealed partial class MigrationGroups(
    WorkConnectionBudget budget,
    SiloIdentity silo,
    TenantGrainSettings settings,
    IOptions<RolloutOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationGroups> logger)
{
    // Long enough for any grain to be scheduled and decide; a member later than this runs alone.
    private static readonly TimeSpan DecisionLimit = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<MigrationGroupMember> _waiting = new();
    private readonly int _largest = Math.Max(1, options.Value.GroupSize);
    private readonly TimeSpan _holdLimit = options.Value.GroupHoldLimit;
    private int _runners;
    private int _size = Math.Max(1, options.Value.GroupSize);
    private int _alone;

    /// <summary>False when <see cref="RolloutOptions.GroupSize"/> is 1: every migration runs alone.</summary>
    public bool Enabled => _largest > 1;

    /// <summary>Queues the tenant for the next group; await its <see cref="MigrationGroupMember.Seat"/>.</summary>
    public MigrationGroupMember Join(string slug)
    {
        var member = new MigrationGroupMember(slug);
        _waiting.Enqueue(member);
        StartRunner();
        return member;
    }

    // At most one runner per work connection: each holds one while it runs a group.
    private void StartRunner()
    {
        while (!_waiting.IsEmpty)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= budget.Capacity)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
            {
                _ = Task.Run(RunAsync);
                return;
            }
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_waiting.IsEmpty)
            {
                WorkConnectionLease lease;
                try
                {
                    lease = await budget.OpenAsync(lifetime.ApplicationStopping);
                }
                catch (Exception ex)
                {
                    // No connection (the server is away, the silo stopping): each waiting member meets the same
                    // trouble alone and handles it as any drive does.
                    while (_waiting.TryDequeue(out var member))
                    {
                        member.SeatFailed(ex);
                    }

                    return;
                }

                var members = Take();
                switch (members.Count)
                {
                    case 0:
                        await lease.DisposeAsync();
                        break;
                    case 1:
                        members[0].Seated(new MigrationGroupSeat(null, null, null, TimeSpan.Zero, lease));
                        members[0].End();
                        break;
                    default:
                        await RunGroupAsync(lease, members);
                        break;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _runners);

            // A member that joined while this runner was leaving must not wait for the next one to come.
            StartRunner();
        }
    }

    private List<MigrationGroupMember> Take()
    {
        var size = Volatile.Read(ref _size);
        if (size == 1 && _largest > 1 && Interlocked.Increment(ref _alone) % 16 == 0)
        {
            // After slow groups, try a pair now and then: the migrations may have become quick again.
            size = 2;
        }

        var members = new List<MigrationGroupMember>(size);
        while (members.Count < size && _waiting.TryDequeue(out var member))
        {
            members.Add(member);
        }

        return members;
    }

    private async Task RunGroupAsync(WorkConnectionLease lease, List<MigrationGroupMember> members)
    {
        var stopping = lifetime.ApplicationStopping;
        List<(MigrationGroupMember Member, TenantSave Save)> joined = [];
        await using (lease)
        {
            lease.CountTenants(members.Count - 1);
            var connection = lease.Connection;
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(stopping);
                var locked = await TenantLock.AcquireManyAsync(
                    connection, transaction, members.ConvertAll(m => m.Slug), silo.SiloId, settings.HeartbeatExpiry,
                    settings.Database.AsynchronousStepCommits, stopping);
                for (var slot = 0; slot < members.Count; slot++)
                {
                    var member = members[slot];
                    member.Seated(new MigrationGroupSeat(locked.GetValueOrDefault(member.Slug), connection, transaction, _holdLimit, null, slot));
                }

                joined = await DecisionsAsync(members);
                if (joined.Count == 0)
                {
                    await transaction.RollbackAsync(stopping);
                    return;
                }

                var took = Stopwatch.StartNew();
                var rows = await TenantRows.SaveGroupAndCommitAsync(connection, transaction, joined.ConvertAll(j => j.Save), silo.SiloId, stopping);
                Adapt(joined.Count, took.Elapsed);
                for (var i = 0; i < joined.Count; i++)
                {
                    joined[i].Member.Commit(rows[i]);
                }
            }
            catch (PostgresException ex)
            {
                // Rolled back by the transaction's disposal: nothing of the group was kept, so each member runs alone.
                LogGroupAborted(logger, members.Count, ex.SqlState, ex.MessageText);
                Abandon(members, joined, new MigrationGroupAbortedException($"the migration group of {members.Count} tenants failed: {ex.SqlState}: {ex.MessageText}", ex));
            }
            catch (Exception ex)
            {
                // The connection broke or the silo is stopping: whether a commit landed is unknown, as for any unit.
                Abandon(members, joined, ex);
            }
            finally
            {
                foreach (var member in members)
                {
                    member.Decline();
                    member.End();
                }
            }
        }
    }

    // Only members that submitted wait for the commit; the others learn of the failure from their seat, if at all.
    private static void Abandon(List<MigrationGroupMember> members, List<(MigrationGroupMember Member, TenantSave Save)> joined, Exception error)
    {
        foreach (var (member, _) in joined)
        {
            member.Fail(error);
        }

        foreach (var member in members)
        {
            member.SeatFailed(error);
        }
    }

    private static async Task<List<(MigrationGroupMember Member, TenantSave Save)>> DecisionsAsync(List<MigrationGroupMember> members)
    {
        try
        {
            await Task.WhenAll(members.Select(m => m.Decision)).WaitAsync(DecisionLimit);
        }
        catch (TimeoutException)
        {
            foreach (var member in members)
            {
                member.Decline();
            }
        }

        var joined = new List<(MigrationGroupMember, TenantSave)>(members.Count);
        foreach (var member in members)
        {
            if (member.Decision.Result is { } save)
            {
                joined.Add((member, save));
            }
        }

        return joined;
    }

    // The next groups' size after one that held its members' locks this long (MigrationGroupSizing).
    private void Adapt(int members, TimeSpan took)
    {
        var size = Volatile.Read(ref _size);
        var next = MigrationGroupSizing.Next(size, members, took, _holdLimit, _largest);
        if (next != size)
        {
            Interlocked.CompareExchange(ref _size, next, size);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A migration group of {Count} tenants was rolled back ({SqlState}: {Error}); its tenants run alone")]
    private static partial void LogGroupAborted(ILogger logger, int count, string sqlState, string error);
}
