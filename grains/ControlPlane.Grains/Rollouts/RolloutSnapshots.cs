using Npgsql;

namespace ControlPlane.Grains.Rollouts;

/// <summary>Builds the rollout view callers see from its record, its tenants' statuses and the coordinator's in-flight set.</summary>
public static class RolloutSnapshots
{
    private const int FailuresShown = 100;

    public static async Task<RolloutSnapshot> LoadAsync(
        NpgsqlConnection connection,
        RolloutRecord rollout,
        IReadOnlyDictionary<int, int>? runningByWave,
        double tenantsPerSecond,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var counts = await RolloutRows.CountAsync(connection, rollout.Id, cancellationToken);
        var failures = await RolloutRows.FailuresAsync(connection, rollout.Id, FailuresShown, cancellationToken);
        var (lockWaiting, lockRetried) = await RolloutRows.LockWaitsAsync(connection, rollout.Id, cancellationToken);
        var pooledUnits = await Pooled.PooledRolloutUnit.ForRolloutAsync(connection, rollout, cancellationToken);
        var waves = rollout.Waves.Select((wave, index) =>
        {
            var stored = counts.GetValueOrDefault(index, new RolloutCounts(0, 0, 0, 0, 0));
            var running = Math.Min(runningByWave?.GetValueOrDefault(index) ?? 0, stored.Pending);
            var live = stored with { Pending = stored.Pending - running, Running = running };
            return new RolloutWaveProgress(wave.Name, live.Total, live, wave.Selector);
        }).ToList();
        var totals = waves.Aggregate(
            new RolloutCounts(0, 0, 0, 0, 0),
            (sum, w) => new RolloutCounts(
                sum.Pending + w.Counts.Pending, sum.Running + w.Counts.Running, sum.Succeeded + w.Counts.Succeeded,
                sum.Failed + w.Counts.Failed, sum.Skipped + w.Counts.Skipped));
        var remaining = totals.Pending + totals.Running;
        return new RolloutSnapshot
        {
            Id = rollout.Id,
            State = rollout.State,
            TargetVersion = rollout.TargetVersion,
            MaxParallel = rollout.MaxParallel,
            FailureThreshold = rollout.FailureThreshold,
            CurrentWave = rollout.CurrentWave,
            Waves = waves,
            Totals = totals,
            TenantsPerSecond = tenantsPerSecond,
            EstimatedRemaining = rollout.State == RolloutState.Running && tenantsPerSecond > 0 && remaining > 0
                ? TimeSpan.FromSeconds(remaining / tenantsPerSecond)
                : null,
            Reason = rollout.Reason,
            FailedTenants = [.. failures.Select(f => new RolloutFailure(
                f.Slug, f.Wave < rollout.Waves.Count ? rollout.Waves[f.Wave].Name : f.Wave.ToString(System.Globalization.CultureInfo.InvariantCulture), f.Error, f.FromVersion, f.LockTries))],
            CreatedBy = rollout.CreatedBy,
            CreatedAt = rollout.CreatedAt,
            FinishedAt = rollout.FinishedAt,
            Etag = rollout.Etag,
            NotBefore = rollout.NotBefore,
            LockTimeout = rollout.LockTimeout,
            StatementTimeout = rollout.StatementTimeout,
            LockWaiting = lockWaiting,
            LockRetried = lockRetried,
            Windows = rollout.Windows,
            NextRunAt = rollout.NextRunAt(now),
            PooledUnits = pooledUnits,
        };
    }
}
