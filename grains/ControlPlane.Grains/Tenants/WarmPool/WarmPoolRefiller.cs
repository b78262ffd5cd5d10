using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>
/// Keeps the warm pool at its size: drops what must go (stale, abandoned, surplus), then builds schemas one at a time,
/// each on one work connection taken from the silo's budget (so onboarding and rollouts keep the rest). Run by one
/// loop per active silo; several silos' refillers share the work through the registry (reservations under an
/// advisory lock, drops under row locks that skip whatever a claim or another drop holds).
/// </summary>
public sealed partial class WarmPoolRefiller(
    ControlPlaneDataSources dataSources,
    WorkConnectionBudget budget,
    MigrationCatalog catalog,
    SiloIdentity silo,
    IOptions<TenantModelOptions> options,
    IOptions<FenceOptions> fence,
    ILogger<WarmPoolRefiller> logger)
{
    // Only the silo's one refill loop touches these.
    private readonly HashSet<string> _building = new(StringComparer.Ordinal);
    private bool _knownEmpty;
    private (string Fingerprint, long At)? _failed;
    private int? _lastReady;

    // After a failed build, the same catalogue is tried again only this much later (a broken file would fail every pass).
    private const long RetryFailedBuildMs = 30_000;

    /// <summary>One pass: drop what must go, then build until the pool is full.</summary>
    public async Task RefillAsync(CancellationToken cancellationToken)
    {
        var size = options.Value.WarmPoolSize;
        if (size == 0 && _knownEmpty)
        {
            // No pool configured and none left over: the silo does no pool work at all, as before the pool existed.
            return;
        }

        MigrationSet set;
        try
        {
            set = catalog.Current();
        }
        catch (MigrationCatalogException ex)
        {
            LogCatalogueInvalid(logger, ex.Message);
            return;
        }

        var registry = dataSources.Registry;
        foreach (var name in await WarmPoolRows.FindDoomedAsync(registry, size, set, silo.SiloId, _building, fence.Value.HeartbeatExpiry, cancellationToken))
        {
            await DropAsync(name, cancellationToken);
        }

        if (size == 0)
        {
            var (ready, building, stale) = await WarmPoolRows.CountAsync(registry, set, cancellationToken);
            _knownEmpty = ready + building + stale == 0;
            return;
        }

        _knownEmpty = false;

        // A build costs the PostgreSQL CPU the claims it replaces would compete for: while onboardings are claiming
        // (fewer ready than after the last pass) and at least half the pool is left, build on a later, quieter pass.
        var (readyNow, _, _) = await WarmPoolRows.CountAsync(registry, set, cancellationToken);
        var claiming = _lastReady is int last && readyNow < last;
        _lastReady = readyNow;
        if (claiming && readyNow * 2 >= size)
        {
            return;
        }

        if (_failed is { } failed && failed.Fingerprint == set.Fingerprint && Environment.TickCount64 - failed.At < RetryFailedBuildMs)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested && await WarmPoolRows.ReserveAsync(registry, size, set, silo.SiloId, cancellationToken) is { } name)
        {
            _building.Add(name);
            try
            {
                await BuildAsync(name, set, cancellationToken);
                _lastReady++;
                LogBuilt(logger, name, set.LatestVersion);
            }
            catch (Exception ex) when (ex is PostgresException or MigrationFailedException or PoolSchemaNotReadyException)
            {
                // A migration that fails here would fail every pass: wait before trying this catalogue again.
                _failed = (set.Fingerprint, Environment.TickCount64);
                LogBuildFailed(logger, name, ex.Message, ex);
                _building.Remove(name);
                await DropAsync(name, cancellationToken);
                return;
            }
            finally
            {
                _building.Remove(name);
            }
        }
    }

    /// <summary>
    /// Builds <paramref name="name"/> at <paramref name="set"/>: role, schema and every transactional migration in one
    /// transaction that also marks the row Ready. A migration that must run outside a transaction splits the build;
    /// the row stays Building (never claimable) until the last part commits, and an interrupted build is dropped.
    /// </summary>
    private async Task BuildAsync(string name, MigrationSet set, CancellationToken cancellationToken)
    {
        await using var lease = await budget.OpenAsync(cancellationToken);
        var connection = lease.Connection;
        var schema = PgIdentifier.Quote(name);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, transaction, TenantDdl.CreatePoolRoleAndSchema(name, dataSources.DatabaseName), cancellationToken);
            foreach (var script in set.Scripts)
            {
                if (script.Transactional)
                {
                    await RunScriptAsync(connection, transaction, script, $"SET LOCAL search_path TO {schema};\n{script.Sql}", cancellationToken);
                    continue;
                }

                await transaction.CommitAsync(cancellationToken);
                await transaction.DisposeAsync();
                await RunOutsideTransactionAsync(connection, schema, script, cancellationToken);
                transaction = await connection.BeginTransactionAsync(cancellationToken);
            }

            // What the Activate step checks, asked here rather than at the claim: the claim's renames keep these
            // grants, and it sets login and path itself (ClaimFromPoolStep). A schema that fails is never Ready.
            await using (var check = new NpgsqlBatch(connection, transaction) { BatchCommands = { ActivateStep.Check(name, name) } })
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
            {
                if (await ActivateStep.ProblemsAsync(reader, name, name, mustLogIn: false, cancellationToken) is { Count: > 0 } problems)
                {
                    throw new PoolSchemaNotReadyException(name, problems);
                }
            }

            await using (var ready = WarmPoolRows.MarkReady(connection, transaction, name, set))
            {
                if (await ready.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    // Another silo judged this build abandoned and dropped its row: keep nothing of it.
                    await transaction.RollbackAsync(cancellationToken);
                    return;
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    private static async Task RunScriptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MigrationScript script, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new MigrationFailedException(script, ex);
        }
    }

    private static async Task RunOutsideTransactionAsync(NpgsqlConnection connection, string schema, MigrationScript script, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, null, $"SET search_path TO {schema}", cancellationToken);
        try
        {
            foreach (var statement in SqlStatementSplitter.Split(script.Sql))
            {
                await using var command = new NpgsqlCommand(statement, connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException ex)
        {
            throw new MigrationFailedException(script, ex);
        }
        finally
        {
            // The work pool does not reset connections it takes back: the next user must not inherit the path.
            await ExecuteAsync(connection, null, "RESET search_path", CancellationToken.None);
        }
    }

    /// <summary>Drops the schema and role of <paramref name="name"/> and its row, unless a claim or another drop holds the row.</summary>
    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await using var lease = await budget.OpenAsync(cancellationToken);
            var connection = lease.Connection;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var (locked, roleIsOurs) = await WarmPoolRows.LockForDropAsync(connection, transaction, name, dataSources.DatabaseName, cancellationToken);
            if (!locked)
            {
                return;
            }

            var quoted = PgIdentifier.Quote(name);
            await ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {quoted} CASCADE" + (roleIsOurs ? $"; DROP OWNED BY {quoted}; DROP ROLE {quoted}" : string.Empty), cancellationToken);
            await using (var delete = WarmPoolRows.Delete(connection, transaction, name))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogDropped(logger, name);
        }
        catch (PostgresException ex)
        {
            LogDropFailed(logger, name, ex);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm pool schema {Name} built at version {Version}")]
    private static partial void LogBuilt(ILogger logger, string name, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building warm pool schema {Name} failed ({Reason}); it is dropped, and this catalogue is tried again in 30 s")]
    private static partial void LogBuildFailed(ILogger logger, string name, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm pool schema {Name} dropped (stale, abandoned or surplus)")]
    private static partial void LogDropped(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping warm pool schema {Name} failed; tried again on the next pass")]
    private static partial void LogDropFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The migration catalogue is invalid ({Reason}); the warm pool is not refilled until it is fixed")]
    private static partial void LogCatalogueInvalid(ILogger logger, string reason);
}
