using System.Threading.Channels;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Webhooks;
using Npgsql;

namespace ControlPlane.Grains.Rollouts;

// The drive: dispatch a wave's tenants to their grains, at most MaxParallel at a time, record outcomes in batches,
// halt on the threshold, move to the next wave, complete.
public sealed partial class RolloutGrain
{
    private const int RefillSize = 512;
    private const int FlushSize = 256;
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StateCheckEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public async Task DriveAsync()
    {
        _drive.Started();
        _driving = true;
        var stopping = lifetime.ApplicationStopping;
        long? token = null;
        try
        {
            token = await RolloutRows.TryClaimAsync(dataSources.Registry, Id, silo.SiloId, fence.Value.HeartbeatExpiry, stopping);
            if (token is long held)
            {
                _runStartedAt = Environment.TickCount64;
                _finishedThisRun = 0;
                LogDriving(logger, Id, held);
                await RunAsync(held, stopping);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Nothing is lost: unrecorded tenants are still pending and are dispatched again when the drive resumes.
            LogDriveInterrupted(logger, Id, ex);
        }
        finally
        {
            _inFlight.Clear();
            _runStartedAt = 0;
            if (token is long held)
            {
                try
                {
                    await RolloutRows.ReleaseAsync(dataSources.Registry, Id, silo.SiloId, held, CancellationToken.None);
                }
                catch (NpgsqlException ex)
                {
                    LogDriveInterrupted(logger, Id, ex);
                }
            }

            _driving = false;
        }
    }

    private async Task RunAsync(long token, CancellationToken stopping)
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(stopping);
        var rollout = await RolloutRows.GetAsync(connection, null, Id, forUpdate: false, stopping);
        if (rollout is null || rollout.State != RolloutState.Running)
        {
            return;
        }

        // Outside its windows it dispatches nothing; inside, the closing is worked out once, not per tenant.
        if (WindowClosing(rollout) is not { } closesAt)
        {
            await WaitForWindowAsync(token, rollout, stopping);
            return;
        }

        var finished = Channel.CreateUnbounded<Finished>(new UnboundedChannelOptions { SingleReader = true });
        var unrecorded = new List<(string Slug, string Status, string? Error, int LockTries)>();
        var limits = new MigrationLimits(rollout.LockTimeout, rollout.StatementTimeout);
        var queue = new Queue<string>();
        var wave = rollout.CurrentWave;
        var (size, failed) = await WaveFailuresAsync(connection, wave, stopping);
        var running = 0;
        string? haltReason = null;
        var stop = false;
        var lastFlush = Environment.TickCount64;
        var lastStateCheck = Environment.TickCount64;
        var tick = Task.Delay(Tick, stopping);

        async Task FlushAsync()
        {
            await RolloutRows.RecordOutcomesAsync(dataSources.Registry, Id, unrecorded, stopping);

            // Only now do they leave the in-flight set: until recorded, a finished tenant still counts as running in
            // snapshots, so a reader never sees it as neither running nor done.
            foreach (var (slug, _, _, _) in unrecorded)
            {
                _inFlight.Remove(slug);
            }

            unrecorded.Clear();
            lastFlush = Environment.TickCount64;
        }

        while (true)
        {
            while (finished.Reader.TryRead(out var done))
            {
                running--;
                if (done.Status is null)
                {
                    // Interrupted, not finished: it stays pending and is dispatched again with the next refill.
                    _inFlight.Remove(done.Slug);
                    LogTenantInterrupted(logger, Id, done.Slug, done.Error);
                    continue;
                }

                _finishedThisRun++;
                unrecorded.Add((done.Slug, done.Status.Value.ToString(), done.Error, done.LockTries));
                metrics.RolloutTenantFinished(Id, done.Status.Value.ToString().ToLowerInvariant());
                if (done.Status == RolloutTenantStatus.Failed && done.Wave == wave)
                {
                    failed++;
                    LogTenantFailed(logger, Id, done.Slug, done.Error);
                }
            }

            if (unrecorded.Count >= FlushSize || (unrecorded.Count > 0 && Elapsed(lastFlush) > FlushEvery))
            {
                await FlushAsync();
            }

            if (!stop && (_nudged || Elapsed(lastStateCheck) > StateCheckEvery))
            {
                _nudged = false;
                lastStateCheck = Environment.TickCount64;
                rollout = await RolloutRows.GetAsync(connection, null, Id, forUpdate: false, stopping);
                stop = rollout is null || rollout.State != RolloutState.Running || rollout.LeaseOwner != silo.SiloId || rollout.LeaseToken != token;
            }

            if (!stop && time.GetUtcNow() >= closesAt)
            {
                // The window closed: those in flight finish, no new one starts, and the reminder carries on at the next opening.
                stop = true;
                await WaitForWindowAsync(token, rollout!, stopping);
            }

            if (!stop && failed - rollout!.AcceptedFailures > rollout.FailureThreshold * size)
            {
                haltReason = $"wave '{rollout.Waves[wave].Name}': {failed} of {size} tenants failed, above the failure threshold of {rollout.FailureThreshold:0.##%}";
                stop = true;
            }

            if (stop)
            {
                if (running == 0)
                {
                    break;
                }
            }
            else
            {
                if (queue.Count == 0 && running < rollout!.MaxParallel)
                {
                    // Record first: a finished tenant must not come back as pending.
                    await FlushAsync();
                    foreach (var slug in await RolloutRows.NextPendingAsync(dataSources.Registry, Id, wave, [.. _inFlight.Keys], RefillSize, stopping))
                    {
                        queue.Enqueue(slug);
                    }
                }

                if (queue.Count == 0 && running == 0)
                {
                    if (wave >= rollout!.Waves.Count - 1)
                    {
                        await RolloutRows.UpdateAsCoordinatorAsync(
                            dataSources.Registry, Id, silo.SiloId, token, "state = 'Completed', finished_at = clock_timestamp()", [WebhookEventTypes.RolloutWaveCompleted, WebhookEventTypes.RolloutCompleted], stopping);
                        LogCompleted(logger, Id);
                        return;
                    }

                    wave++;
                    if (!await RolloutRows.UpdateAsCoordinatorAsync(dataSources.Registry, Id, silo.SiloId, token, "current_wave = $4, accepted_failures = 0", [WebhookEventTypes.RolloutWaveCompleted], stopping, wave))
                    {
                        return;
                    }

                    rollout = rollout with { CurrentWave = wave, AcceptedFailures = 0 };
                    (size, failed) = await WaveFailuresAsync(connection, wave, stopping);
                    LogWave(logger, Id, wave, rollout.Waves[wave].Name, size);
                    continue;
                }

                while (running < rollout!.MaxParallel && queue.TryDequeue(out var slug))
                {
                    running++;
                    _inFlight[slug] = wave;
                    _ = DispatchAsync(slug, wave, rollout.TargetVersion, limits, finished.Writer);
                }
            }

            if (tick.IsCompleted)
            {
                tick = Task.Delay(Tick, stopping);
            }

            await Task.WhenAny(finished.Reader.WaitToReadAsync(stopping).AsTask(), tick);
        }

        await FlushAsync();
        if (haltReason is not null
            && await RolloutRows.UpdateAsCoordinatorAsync(dataSources.Registry, Id, silo.SiloId, token, "state = 'Halted', reason = $4", [WebhookEventTypes.RolloutHalted], stopping, haltReason))
        {
            LogHalted(logger, Id, haltReason);
        }
    }

    private async Task DispatchAsync(string slug, int wave, int target, MigrationLimits limits, ChannelWriter<Finished> finished)
    {
        try
        {
            // A pooled schema is one unit, migrated by its own grain, never through its tenants (docs/tiers.md).
            var outcome = Pooled.PooledRolloutUnit.TryParse(slug, out var pooledSchema)
                ? await GrainFactory.GetGrain<Pooled.IPooledStoreGrain>(pooledSchema).MigrateToAsync(target, Id, limits)
                : await GrainFactory.GetGrainByKey<ITenantGrain>(slug).MigrateToAsync(target, Id, limits);
            finished.TryWrite(new Finished(slug, wave, outcome.Status, outcome.Detail, outcome.LockTries));
        }
        catch (Exception ex) when (IsInterruption(ex))
        {
            // The call did not finish (the tenant's silo died, or the call timed out): that says nothing about the
            // migration, which may still be running or may have committed. Never record it as an outcome.
            finished.TryWrite(new Finished(slug, wave, null, ex.Message));
        }
        catch (Exception ex)
        {
            // The tenant keeps its version; the failure is recorded like any other and can be retried.
            finished.TryWrite(new Finished(slug, wave, RolloutTenantStatus.Failed, ex.Message));
        }
    }

    private async Task<(int Size, int Failed)> WaveFailuresAsync(NpgsqlConnection connection, int wave, CancellationToken cancellationToken)
    {
        var counts = (await RolloutRows.CountAsync(connection, Id, cancellationToken)).GetValueOrDefault(wave, new RolloutCounts(0, 0, 0, 0, 0));
        return (counts.Total, counts.Failed);
    }

    private static bool IsInterruption(Exception ex) =>
        ex is TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
            or OperationCanceledException or NpgsqlException;

    private static TimeSpan Elapsed(long since) => TimeSpan.FromMilliseconds(Environment.TickCount64 - since);

    private sealed record Finished(string Slug, int Wave, RolloutTenantStatus? Status, string? Error, int LockTries = 0);
}
