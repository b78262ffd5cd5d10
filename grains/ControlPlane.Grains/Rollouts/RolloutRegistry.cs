using System.Security.Cryptography;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Migrations.Lint;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Migrations;
using ControlPlane.Grains.Webhooks;
using ControlPlane.Registry.Contracts.Rollouts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains.Rollouts;

/// <summary>Creates rollouts (after checking the catalogue and every tenant for drift) and lists them.</summary>
public sealed partial class RolloutRegistry(
    ControlPlaneDataSources dataSources,
    MigrationCatalog catalog,
    Pooled.PooledCatalog pooledCatalog,
    MigrationLint lint,
    IOptions<DatabaseOptions> database,
    IOptions<RolloutOptions> rollouts,
    TimeProvider time,
    IGrainFactory grains,
    ILogger<RolloutRegistry> logger) : IRolloutRegistry
{
    private const int DriftShown = 50;

    public async Task<string> CreateAsync(RolloutPlan plan, string? createdBy, CancellationToken cancellationToken)
    {
        var accepted = MigrationLint.RequireKnownRules(plan.AcceptLint);
        var (set, target) = Resolve(plan);

        // Parallelism beyond what the work connections can carry would only queue on them: each carries one tenant at
        // a time, or a migration group of up to GroupSize (Tenants/Groups). With groups, a second group's worth waits
        // behind each running one (holding nothing but its grain): at exactly one group per connection, a connection
        // whose group committed found only the one or two tenants dispatched since, and a fifth of a 10,000-tenant
        // rollout's commits were of a single tenant.
        var groupSize = rollouts.Value.GroupSize;
        var budget = database.Value.WorkConnections * (groupSize > 1 ? 2 * groupSize : 1);
        var maxParallel = Math.Min(plan.MaxParallel ?? budget, budget);
        var waves = RolloutWaves.Normalize(plan.Waves);

        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);

        // Before anything is written: error-level findings in the files this rollout would run stop it unless accepted.
        var lowest = await RolloutAssignment.LowestPendingVersionAsync(connection, waves, target, cancellationToken);
        if (lint.Pending(set, target, lowest, accepted).Refused is { Count: > 0 } refused)
        {
            throw new MigrationLintException(refused);
        }

        var drift = await FindDriftAsync(connection, set, cancellationToken);
        if (drift.Count > 0)
        {
            throw new RolloutConflictException(
                $"Migration drift on {drift.Count} tenant(s): applied migrations differ from the catalogue, so nothing was started. Restore the files (or repair those tenants) and start again.",
                details: [.. drift.Take(DriftShown)]);
        }

        // A pooled schema below the target that its own catalogue cannot bring there would fail as soon as it ran:
        // refused here, before any tenant moved on (the plan shows the same reason on the pooled unit).
        var pooledRefusals = await Pooled.PooledRolloutUnit.RefusalsAsync(connection, null, pooledCatalog, target, cancellationToken);
        if (pooledRefusals.Count > 0)
        {
            throw new RolloutConflictException(
                $"The pooled schema cannot be migrated to V{target:0000}, so nothing was started: {string.Join("; ", pooledRefusals.Select(r => $"{Pooled.PooledRolloutUnit.Name(r.Schema)}: {r.Refusal}"))}.",
                details: [.. pooledRefusals.Select(r => $"{Pooled.PooledRolloutUnit.Name(r.Schema)}: {r.Refusal}")]);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = NewId();
        var notBefore = plan.NotBefore?.ToUniversalTime();
        var windows = plan.Windows is { Count: > 0 } given ? given : null;
        var now = time.GetUtcNow();
        var state = notBefore is not null ? RolloutState.Scheduled
            : windows is not null && !windows.IsOpen(now) ? RolloutState.WaitingForWindow
            : RolloutState.Running;

        // When its reminder first ticks: at notBefore, or the first window opening at or after it; or the next opening.
        DateTimeOffset? wakeAt = state switch
        {
            RolloutState.Scheduled => windows?.NextRun(notBefore!.Value) ?? notBefore,
            RolloutState.WaitingForWindow => windows!.NextOpening(now),
            _ => null,
        };
        var completed = false;
        try
        {
            if (wakeAt is { } at)
            {
                // Lock, arm, then record: a crash after arming leaves a reminder that finds no rollout and drops itself,
                // never a Scheduled (or WaitingForWindow) row without its timer; the lock keeps an early tick from taking this id for gone.
                await using (var creating = new NpgsqlCommand($"SELECT {RolloutRows.CreationLock("$1")}", connection, transaction))
                {
                    creating.Parameters.Add(new NpgsqlParameter { Value = id });
                    await creating.ExecuteNonQueryAsync(cancellationToken);
                }

                await grains.GetGrain<IRolloutGrain>(id).ScheduleAsync(at);
            }

            await using var insert = new NpgsqlBatch(connection, transaction);
            var rollout = new NpgsqlBatchCommand(
                """
                INSERT INTO controlplane.rollouts (id, state, target_version, max_parallel, failure_threshold, waves, created_by, not_before, lock_timeout, statement_timeout, windows)
                VALUES ($1, $7, $2, $3, $4, $5::jsonb, $6, $8, $9, $10, $11::jsonb)
                """);
            rollout.Parameters.Add(new NpgsqlParameter { Value = id });
            rollout.Parameters.Add(new NpgsqlParameter { Value = target });
            rollout.Parameters.Add(new NpgsqlParameter { Value = maxParallel });
            rollout.Parameters.Add(new NpgsqlParameter { Value = plan.FailureThreshold ?? 0 });
            rollout.Parameters.Add(new NpgsqlParameter { Value = RolloutRows.SerializeWaves([.. waves.Select(w => new RolloutWaveDefinition(w.Name, w.Tenants ?? 0, w.Selector))]) });
            rollout.Parameters.Add(new NpgsqlParameter { Value = (object?)createdBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            rollout.Parameters.Add(new NpgsqlParameter { Value = state.ToString() });
            rollout.Parameters.Add(new NpgsqlParameter { Value = (object?)notBefore ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            rollout.Parameters.Add(new NpgsqlParameter { Value = (object?)plan.LockTimeout ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
            rollout.Parameters.Add(new NpgsqlParameter { Value = (object?)plan.StatementTimeout ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
            rollout.Parameters.Add(new NpgsqlParameter { Value = (object?)RolloutRows.SerializeWindows(windows) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

            // The same assignment the plan shows (RolloutAssignment): waves by size or selector, skips with their reason.
            var assignment = new PositionalParameters();
            var rolloutId = assignment.Add(id, NpgsqlDbType.Text);
            var tenants = new NpgsqlBatchCommand(
                RolloutAssignment.With(waves, target, assignment) +
                $"""
                INSERT INTO controlplane.rollout_tenants (rollout_id, slug, wave, status, from_version, error)
                SELECT {rolloutId}, slug, wave, status, from_version, error FROM assigned
                """);
            assignment.AddTo(tenants.Parameters);

            // Nothing pending (every tenant already at the target, or skipped): the rollout is done as it is recorded,
            // in this transaction, with no coordinator turn to walk its waves. It is inserted Running first, so the
            // one-open-rollout rule still refuses it while another is open. A scheduled one waits for its start.
            var nothingToDo = new NpgsqlBatchCommand(
                """
                UPDATE controlplane.rollouts
                SET state = 'Completed', current_wave = $2, finished_at = clock_timestamp(), etag = etag + 1, updated_at = clock_timestamp()
                WHERE id = $1 AND state = 'Running'
                  AND NOT EXISTS (SELECT 1 FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND status = 'Pending')
                """);
            nothingToDo.Parameters.Add(new NpgsqlParameter { Value = id });
            nothingToDo.Parameters.Add(new NpgsqlParameter { Value = waves.Count - 1 });
            insert.BatchCommands.Add(rollout);
            insert.BatchCommands.Add(tenants);
            insert.BatchCommands.Add(nothingToDo);
            insert.BatchCommands.Add(WebhookOutbox.ForRolloutRecorded(id));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            completed = nothingToDo.RecordsAffected == 1;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "rollouts_one_open")
        {
            await transaction.RollbackAsync(cancellationToken);
            await DisarmAsync(id, wakeAt);
            var open = await OpenRolloutAsync(connection, cancellationToken);
            throw new RolloutConflictException(
                $"Rollout {open?.Id ?? "(unknown)"} is {open?.State.ToString() ?? "open"}; only one rollout runs at a time. Wait for it, or cancel it.",
                open?.Id);
        }
        catch (Exception) when (wakeAt is not null)
        {
            // Not recorded, or unknown if the commit itself failed: the grain keeps its reminder only if the row says it waits.
            await DisarmAsync(id, wakeAt);
            throw;
        }

        if (completed)
        {
            // No coordinator runs the per-batch statements the statistics below are for.
            LogNothingToDo(logger, id, target);
            return id;
        }

        // The rollout just added a row per tenant. Until autovacuum gets to it the planner believes the table is as small
        // as before, and the coordinator's per-batch statements (record outcomes, next pending, counts) scan it whole:
        // quadratic over a 10,000-tenant rollout. Fresh statistics make them index lookups.
        await using (var analyze = new NpgsqlCommand("ANALYZE controlplane.rollout_tenants", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        return id;
    }

    /// <summary>The catalogue as it is now and the version <paramref name="plan"/> targets in it (the checks a start and a plan share).</summary>
    private (MigrationSet Set, int Target) Resolve(RolloutPlan plan)
    {
        MigrationSet set;
        try
        {
            set = catalog.Current();
        }
        catch (MigrationCatalogException ex)
        {
            throw new RolloutConflictException($"The migration catalogue cannot be used: {ex.Message}");
        }

        if (set.LatestVersion == 0)
        {
            throw new TenantValidationException("targetVersion", "The migration catalogue is empty.");
        }

        var target = plan.TargetVersion ?? set.LatestVersion;
        if (!set.ByVersion.ContainsKey(target))
        {
            throw new TenantValidationException("targetVersion", $"V{target:0000} is not in the catalogue (it holds V{set.Scripts[0].Version:0000} to V{set.LatestVersion:0000}).");
        }

        return (set, target);
    }

    public async Task<IReadOnlyList<RolloutSnapshot>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        var records = new List<RolloutRecord>();
        await using (var command = new NpgsqlCommand($"SELECT {RolloutRows.Columns} FROM controlplane.rollouts r ORDER BY r.created_at DESC LIMIT $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(RolloutRows.Read(reader));
            }
        }

        var snapshots = new List<RolloutSnapshot>(records.Count);
        foreach (var record in records)
        {
            snapshots.Add(await RolloutSnapshots.LoadAsync(connection, record, null, 0, time.GetUtcNow(), cancellationToken));
        }

        return snapshots;
    }

    private static async Task<RolloutRecord?> OpenRolloutAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {RolloutRows.Columns} FROM controlplane.rollouts r WHERE r.state IN {RolloutRows.OpenStates} LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? RolloutRows.Read(reader) : null;
    }

    /// <summary>Every live tenant whose applied migrations no longer match the catalogue, one line each.</summary>
    private static async Task<List<string>> FindDriftAsync(NpgsqlConnection connection, MigrationSet set, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, List<AppliedMigration>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT m.slug, m.version, m.name, m.checksum, m.status, m.applied_at, m.duration_ms
            FROM controlplane.tenant_migrations m JOIN controlplane.tenants t USING (slug)
            WHERE t.state NOT IN ('Deleted', 'Deprovisioning')
            """,
            connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var slug = reader.GetString(0);
                if (!applied.TryGetValue(slug, out var list))
                {
                    applied[slug] = list = [];
                }

                list.Add(new AppliedMigration(
                    reader.GetInt32(1), reader.GetString(2), reader.GetString(3), Enum.Parse<AppliedMigrationStatus>(reader.GetString(4)),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetDouble(6)));
            }
        }

        var drifted = new List<string>();
        foreach (var (slug, migrations) in applied.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var drift = MigrationDriftCheck.Find(migrations, set);
            if (drift.Count > 0)
            {
                drifted.Add($"{slug}: {MigrationDriftCheck.Describe(drift)}");
            }
        }

        return drifted;
    }

    /// <summary>
    /// Drops the reminder armed for a scheduled rollout that was not recorded. Best effort: if this fails, the
    /// reminder's first tick finds no scheduled rollout and drops itself.
    /// </summary>
    private async Task DisarmAsync(string id, DateTimeOffset? wakeAt)
    {
        if (wakeAt is null)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IRolloutGrain>(id).UnscheduleAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or OrleansException or TimeoutException)
        {
            LogDisarmFailed(logger, id, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} had no tenant to migrate to V{TargetVersion} (every one at it or skipped); recorded Completed")]
    private static partial void LogNothingToDo(ILogger logger, string rolloutId, int targetVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {RolloutId} was not recorded and its start reminder could not be dropped; its first tick drops it")]
    private static partial void LogDisarmFailed(ILogger logger, string rolloutId, Exception exception);

    private string NewId() =>
        $"r-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
}
