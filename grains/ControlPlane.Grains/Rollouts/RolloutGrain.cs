using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Telemetry;
using ControlPlane.Grains.Tenants;
using Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// Coordinates one rollout. Its long-running drive is a turn; queries and operator actions interleave with it and
/// change the persisted state, which the drive re-reads. Every coordinator write is fenced by its lease, so one silo at
/// most coordinates a rollout, and a crash resumes from the record: tenants in flight were never marked, so they are
/// dispatched again, and a tenant already at the target answers at once without migrating twice.
/// </summary>
public sealed partial class RolloutGrain(
    ControlPlaneDataSources dataSources,
    SiloIdentity silo,
    IOptions<FenceOptions> fence,
    IOptions<RolloutOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ControlPlaneMetrics metrics,
    ILogger<RolloutGrain> logger) : Grain, IRolloutGrain, IRolloutDrive
{
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private long _finishedThisRun;
    private long _runStartedAt;
    private bool _nudged;

    // A drive turn is queued (not yet started) or running: wake-ups while either holds queue nothing more.
    private readonly QueuedDrive _drive = new();
    private bool _driving;

    private string Id => this.GetPrimaryKeyString();

    public async Task<RolloutSnapshot?> GetAsync()
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(lifetime.ApplicationStopping);
        var rollout = await RolloutRows.GetAsync(connection, null, Id, forUpdate: false, lifetime.ApplicationStopping);
        if (rollout is null)
        {
            DeactivateOnIdle();
            return null;
        }

        return await RolloutSnapshots.LoadAsync(connection, rollout, RunningByWave(), TenantsPerSecond(), time.GetUtcNow(), lifetime.ApplicationStopping);
    }

    // A rollout waiting for its window may be paused too: it then stays put at the opening, until resumed.
    public Task<RolloutSnapshot> PauseAsync() => ChangeAsync(
        "pause", [RolloutState.Running, RolloutState.WaitingForWindow], RolloutState.Paused, _ => ("state = 'Paused'", []), kick: false);

    public Task<RolloutSnapshot> ResumeAsync() => ChangeAsync(
        "resume",
        [RolloutState.Paused, RolloutState.Halted],
        RolloutState.Running,
        rollout => rollout.State == RolloutState.Halted
            // Resuming a halted rollout accepts the failures so far: only new ones count against the threshold.
            ? ("state = 'Running', reason = NULL, accepted_failures = (SELECT count(*) FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND wave = current_wave AND status = 'Failed')", [])
            : ("state = 'Running'", []),
        kick: true);

    public async Task<RolloutSnapshot> CancelAsync()
    {
        var cancelled = await ChangeAsync(
            "cancel",
            [RolloutState.Scheduled, RolloutState.WaitingForWindow, RolloutState.Running, RolloutState.Paused, RolloutState.Halted],
            RolloutState.Cancelled,
            _ => ("state = 'Cancelled', reason = 'cancelled by an operator', finished_at = clock_timestamp()", []),
            kick: false);

        // After the commit: a tick in between finds the rollout Cancelled and drops its reminder itself.
        await DisarmAsync();
        return cancelled;
    }

    public async Task<RolloutSnapshot> RetryFailedAsync()
    {
        var cancellationToken = lifetime.ApplicationStopping;
        await using (var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var rollout = await RolloutRows.GetAsync(connection, transaction, Id, forUpdate: true, cancellationToken) ?? throw new RolloutNotFoundException(Id);
            if (rollout.State == RolloutState.Cancelled)
            {
                throw new RolloutConflictException($"Rollout {Id} was cancelled; start a new rollout instead.");
            }

            if (rollout.State == RolloutState.Scheduled)
            {
                throw NotStarted("retry its failed tenants", rollout);
            }

            await using var retry = new NpgsqlCommand(
                """
                WITH retried AS (
                    UPDATE controlplane.rollout_tenants SET status = 'Pending', error = NULL
                    WHERE rollout_id = $1 AND status = 'Failed'
                    RETURNING wave)
                UPDATE controlplane.rollouts r
                SET current_wave = LEAST(r.current_wave, (SELECT min(wave) FROM retried)),
                    accepted_failures = 0,
                    state = CASE WHEN r.state IN ('Halted', 'Completed') THEN 'Running' ELSE r.state END,
                    reason = NULL, finished_at = NULL, etag = r.etag + 1, updated_at = clock_timestamp()
                WHERE r.id = $1 AND EXISTS (SELECT 1 FROM retried)
                """,
                connection,
                transaction);
            retry.Parameters.Add(new NpgsqlParameter { Value = Id });
            try
            {
                await retry.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new RolloutConflictException($"Another rollout is open; rollout {Id} cannot run again until it ends.");
            }
        }

        _nudged = true;
        KickDrive();
        return (await GetAsync())!;
    }

    /// <summary>An operator action: one transaction under the rollout's row lock, checked against the states it may come from.</summary>
    private async Task<RolloutSnapshot> ChangeAsync(
        string verb, RolloutState[] from, RolloutState to, Func<RolloutRecord, (string Set, object[] Values)> change, bool kick)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        await using (var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var rollout = await RolloutRows.GetAsync(connection, transaction, Id, forUpdate: true, cancellationToken) ?? throw new RolloutNotFoundException(Id);
            if (rollout.State != to)
            {
                if (!from.Contains(rollout.State))
                {
                    throw rollout.State == RolloutState.Scheduled
                        ? NotStarted(verb, rollout)
                        : new RolloutConflictException($"Rollout {Id} is {rollout.State}; it cannot {verb} from that state.");
                }

                var (set, values) = change(rollout);
                await using var update = new NpgsqlCommand(
                    $"UPDATE controlplane.rollouts SET {set}, etag = etag + 1, updated_at = clock_timestamp() WHERE id = $1", connection, transaction);
                update.Parameters.Add(new NpgsqlParameter { Value = Id });
                foreach (var value in values)
                {
                    update.Parameters.Add(new NpgsqlParameter { Value = value });
                }

                await update.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogChanged(logger, Id, verb, rollout.State, to);
            }
        }

        _nudged = true;
        if (kick)
        {
            KickDrive();
        }

        return (await GetAsync())!;
    }

    public Task WakeAsync()
    {
        KickDrive();
        return Task.CompletedTask;
    }

    /// <summary>Queues one drive turn unless one is queued or running (a running drive re-reads the rollout's state).</summary>
    private void KickDrive()
    {
        if (!_driving)
        {
            var id = Id;
            _drive.Request(() => this.AsReference<IRolloutDrive>().DriveAsync(), ex => LogDriveFailed(logger, id, ex));
        }
    }

    private Dictionary<int, int> RunningByWave() =>
        _inFlight.Values.GroupBy(wave => wave).ToDictionary(g => g.Key, g => g.Count());

    private double TenantsPerSecond()
    {
        var seconds = (Environment.TickCount64 - _runStartedAt) / 1000.0;
        return _runStartedAt == 0 || seconds <= 0 ? 0 : _finishedThisRun / seconds;
    }
}
