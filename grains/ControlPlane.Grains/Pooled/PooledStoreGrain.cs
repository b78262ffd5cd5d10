using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Locks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// Migrates one pooled schema as a unit of a rollout. Orleans runs its calls one at a time, and each migration holds
/// the schema's <c>controlplane.pooled_stores</c> row FOR UPDATE, so one writer at most changes the pooled schema's
/// version cluster-wide, even across a duplicate activation.
/// </summary>
/// <remarks>
/// Lock order. A pooled tenant's step holds its own tenant row lock and only reads <c>pooled_stores</c> (no lock), so
/// it never waits for this grain's row lock. This grain takes <c>pooled_stores</c>, then the pooled tables' DDL locks
/// (bounded by the rollout's lock timeout, tried again like a tenant's), and commits; only then, holding nothing, does
/// it take tenant row locks to set their versions, in slug order and in batches. It never holds a pooled table lock
/// while waiting for a tenant row, nor a tenant row while waiting for a pooled table: no cycle with a tenant step that
/// holds its row and writes pooled rows.
/// </remarks>
public sealed partial class PooledStoreGrain(
    ControlPlaneDataSources dataSources,
    WorkConnectionBudget budget,
    PooledCatalog catalog,
    SiloIdentity silo,
    IOptions<MigrationOptions> migrations,
    IOptions<DatabaseOptions> database,
    IHostApplicationLifetime lifetime,
    ILogger<PooledStoreGrain> logger) : Grain, IPooledStoreGrain
{
    // Tenant rows locked per catch-up statement: each waits at most for the steps holding those rows, and never many.
    private const int CatchUpBatch = 1000;

    public async Task<MigrationOutcome> MigrateToAsync(int targetVersion, string? rolloutId, MigrationLimits limits)
    {
        var schema = this.GetPrimaryKeyString();
        var unit = PooledRolloutUnit.Name(schema);
        var stopping = lifetime.ApplicationStopping;
        var options = migrations.Value;
        var timeouts = DdlTimeouts.Resolve(limits, options);
        var mostTries = 0;
        int? reached = null;
        await using (var lease = await budget.OpenAsync(stopping))
        {
            while (reached is null)
            {
                Step step;
                var tries = 1;
                while (true)
                {
                    try
                    {
                        step = await MigrateNextAsync(lease.Connection, schema, targetVersion, timeouts, stopping);
                        break;
                    }
                    catch (PooledMigrationFailedException ex) when (LockRetry.IsLockTimeout(ex) && tries < options.LockTries)
                    {
                        // As a tenant's migration: give the lock up, let the tenants' queries through, try again later.
                        await NoteLockWaitAsync(rolloutId, unit, tries, waiting: true, stopping);
                        await Task.Delay(LockRetry.Delay(tries, options.LockRetryBaseDelay, options.LockRetryMaxDelay, Random.Shared.NextDouble()), stopping);
                        tries++;
                    }
                    catch (PooledMigrationFailedException ex)
                    {
                        var error = LockRetry.IsLockTimeout(ex) ? LockRetry.Exhausted(ex.Message, tries, timeouts.LockTimeout)
                            : LockRetry.IsStatementTimeout(ex) ? LockRetry.TimedOut(ex.Message, timeouts.StatementTimeout)
                            : ex.Message;
                        LogFailed(logger, schema, ex.Script.Version, error);
                        return new MigrationOutcome(RolloutTenantStatus.Failed, ex.Version, $"{error} (the pooled schema {schema} stays at V{ex.Version:0000}; its tenants keep serving)", tries);
                    }
                }

                if (tries > 1)
                {
                    await NoteLockWaitAsync(rolloutId, unit, tries, waiting: false, stopping);
                }

                switch (step)
                {
                    case Step.Missing:
                        return new MigrationOutcome(RolloutTenantStatus.Skipped, 0, $"the pooled schema {schema} is not made (no pooled tenant was onboarded)");
                    case Step.Refused refused:
                        LogRefused(logger, schema, refused.Reason);
                        return new MigrationOutcome(RolloutTenantStatus.Failed, refused.Version, $"{refused.Reason} (the pooled schema {schema} stays at V{refused.Version:0000}; its tenants keep serving)", mostTries);
                    case Step.Applied applied:
                        mostTries = Math.Max(mostTries, tries);
                        LogApplied(logger, schema, applied.Version);
                        break;
                    case Step.AtTarget at:
                        reached = at.Version;
                        break;
                }
            }
        }

        var version = reached.Value;

        var caughtUp = await CatchUpTenantsAsync(schema, version, rolloutId, stopping);
        LogCaughtUp(logger, schema, version, caughtUp);
        return new MigrationOutcome(RolloutTenantStatus.Succeeded, version, null, mostTries);
    }

    /// <summary>One transaction: the store's row lock, then its next pending migration, the policies and the version.</summary>
    private async Task<Step> MigrateNextAsync(NpgsqlConnection connection, string schema, int target, DdlTimeouts timeouts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        PooledPolicyMode mode;
        int version;
        await using (var locked = new NpgsqlCommand(
            "SELECT migration_version, policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1 FOR UPDATE", connection, transaction))
        {
            locked.Parameters.Add(new() { Value = schema });
            await using var reader = await locked.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new Step.Missing();
            }

            version = reader.GetInt32(0);
            mode = Enum.Parse<PooledPolicyMode>(reader.GetString(1));
        }

        if (version >= target)
        {
            await transaction.CommitAsync(cancellationToken);
            return new Step.AtTarget(version);
        }

        var applied = await PooledRolloutUnit.AppliedAsync(connection, transaction, schema, cancellationToken);
        if (PooledRolloutUnit.Refusal(catalog, applied, target, out var set) is { } refusal)
        {
            return new Step.Refused(version, refusal);
        }

        var script = set!.Scripts.First(s => s.Version > version);
        try
        {
            await RunAsync(connection, transaction, timeouts.Enter(), cancellationToken);
            await PooledStore.ApplyAsync(connection, transaction, schema, script, cancellationToken);

            // A table the migration added gets the policy and the store's mode, in the same transaction: it is never
            // visible without row-level security.
            await using (var policies = new NpgsqlCommand(PooledPolicies.Apply(schema, mode), connection, transaction))
            {
                await policies.ExecuteNonQueryAsync(cancellationToken);
            }

            await RunAsync(connection, transaction, DdlTimeouts.Leave(database.Value.LockTimeout), cancellationToken);
            await using (var update = new NpgsqlCommand(
                "UPDATE controlplane.pooled_stores SET migration_version = $2, updated_at = now() WHERE schema_name = $1", connection, transaction))
            {
                update.Parameters.Add(new() { Value = schema });
                update.Parameters.Add(new() { Value = script.Version });
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            // Nothing of the migration was kept: the schema, its record and its tenants are as they were.
            await transaction.RollbackAsync(CancellationToken.None);
            throw new PooledMigrationFailedException(script, ex, version);
        }

        return new Step.Applied(script.Version);
    }

    /// <summary>
    /// Sets every live pooled tenant of <paramref name="schema"/> below <paramref name="version"/> to it, with a
    /// timeline entry and the change notification, after the schema's commit (see the remarks on lock order).
    /// Idempotent: a rollout that resumes after a crash between the two runs it again.
    /// </summary>
    private async Task<long> CatchUpTenantsAsync(string schema, int version, string? rolloutId, CancellationToken cancellationToken)
    {
        var detail = $"at version {version}, the pooled schema {schema}'s" + (rolloutId is null ? string.Empty : $" (rollout {rolloutId})");
        long total = 0;
        while (true)
        {
            await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                $"""
                WITH u AS (
                    UPDATE controlplane.tenants SET migration_version = $2, etag = etag + 1, updated_at = clock_timestamp()
                    WHERE slug IN (SELECT slug FROM controlplane.tenants
                                   WHERE tier = 'pooled' AND pooled_schema = $1 AND migration_version < $2 AND state <> 'Deleted'
                                   ORDER BY slug LIMIT $3)
                      AND migration_version < $2
                    RETURNING slug, state),
                e AS (
                    INSERT INTO controlplane.tenant_events (slug, from_state, to_state, step, detail, silo_id)
                    SELECT slug, state, state, 'Migrate', $4, $5 FROM u),
                n AS (
                    SELECT pg_catalog.pg_notify('{TenantChangeFeed.Channel}', slug) FROM u)
                SELECT count(*) FROM u, (SELECT count(*) FROM n) notified
                """,
                connection);
            command.Parameters.Add(new() { Value = schema });
            command.Parameters.Add(new() { Value = version });
            command.Parameters.Add(new() { Value = CatchUpBatch });
            command.Parameters.Add(new() { Value = detail });
            command.Parameters.Add(new() { Value = silo.SiloId });
            var changed = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            total += changed;
            if (changed < CatchUpBatch)
            {
                return total;
            }
        }
    }

    private async Task NoteLockWaitAsync(string? rolloutId, string unit, int tries, bool waiting, CancellationToken cancellationToken)
    {
        if (rolloutId is not null)
        {
            await RolloutRows.NoteLockWaitAsync(dataSources.Registry, rolloutId, unit, tries, waiting, cancellationToken);
        }
    }

    private static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { command } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A pooled migration's own statements failed; the schema stays at <see cref="Version"/>.</summary>
    private sealed class PooledMigrationFailedException(MigrationScript script, PostgresException inner, int version)
        : Exception(new MigrationFailedException(script, inner).Message, inner)
    {
        public MigrationScript Script { get; } = script;

        public int Version { get; } = version;
    }

    /// <summary>What one transaction of the unit did.</summary>
    private abstract record Step
    {
        public sealed record Missing : Step;

        public sealed record AtTarget(int Version) : Step;

        public sealed record Applied(int Version) : Step;

        public sealed record Refused(int Version, string Reason) : Step;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pooled schema {Schema}: V{Version} applied")]
    private static partial void LogApplied(ILogger logger, string schema, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pooled schema {Schema} at V{Version}: {Tenants} pooled tenant(s) took the version")]
    private static partial void LogCaughtUp(ILogger logger, string schema, int version, long tenants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pooled schema {Schema}: V{Version} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string schema, int version, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pooled schema {Schema} not migrated: {Reason}")]
    private static partial void LogRefused(ILogger logger, string schema, string reason);
}
