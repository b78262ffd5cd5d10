using ControlPlane.Grains.TenantData;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

// Tenant data calls: interleaved, each on a connection of the tenant's own pool (its role, its search path), after
// checking the cached serving status. PostgreSQL orders concurrent reads and writes; nothing here is shared state
// but the pool and the status cache, both safe for concurrent use.
public sealed partial class TenantGrain : ITenantDataGrain
{
    public Task<TenantServing> GetServingAsync(CancellationToken cancellationToken) => Serving().RequireAsync(cancellationToken);

    public Task<TenantDataPage> ListAsync(TenantDataSet dataSet, long? after, int limit, CancellationToken cancellationToken)
    {
        var table = TenantTables.For(dataSet);
        return RunDataAsync(table, deleting: false, writes: false, async (session, sql, ct) =>
        {
            var command = new NpgsqlBatchCommand(after is null ? sql.ListFirst : sql.ListAfter);
            command.Parameters.Add(new() { Value = limit + 1 });
            if (after is long last)
            {
                command.Parameters.Add(new() { Value = last });
            }

            var rows = await session.ReadRowsAsync(command, table, ct);
            var more = rows.Count > limit;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            return new TenantDataPage(rows, more ? (long)rows[^1]["id"]! : null);
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, object?>> FindAsync(TenantDataSet dataSet, long id, CancellationToken cancellationToken)
    {
        var table = TenantTables.For(dataSet);
        return RunDataAsync(table, deleting: false, writes: false, async (session, sql, ct) =>
        {
            var command = new NpgsqlBatchCommand(sql.Find);
            command.Parameters.Add(new() { Value = id });
            return Single(await session.ReadRowsAsync(command, table, ct), table, id);
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, object?>> InsertAsync(TenantDataSet dataSet, string fieldsJson, CancellationToken cancellationToken)
    {
        var table = TenantTables.For(dataSet);
        var (columns, parameters) = TenantValues.Read(table, TenantValues.ParseFields(fieldsJson), insert: true);
        return RunDataAsync(table, deleting: false, writes: true, async (session, sql, ct) =>
        {
            var command = new NpgsqlBatchCommand(sql.Insert(columns));
            command.Parameters.AddRange(parameters.ToArray());
            return (await session.ReadRowsAsync(command, table, ct))[0];
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, object?>> UpdateAsync(TenantDataSet dataSet, long id, string fieldsJson, CancellationToken cancellationToken)
    {
        var table = TenantTables.For(dataSet);
        var (columns, parameters) = TenantValues.Read(table, TenantValues.ParseFields(fieldsJson), insert: false);
        return RunDataAsync(table, deleting: false, writes: true, async (session, sql, ct) =>
        {
            var command = new NpgsqlBatchCommand(sql.Update(columns));
            command.Parameters.AddRange(parameters.ToArray());
            command.Parameters.Add(new() { Value = id });
            return Single(await session.ReadRowsAsync(command, table, ct), table, id);
        }, cancellationToken);
    }

    public Task DeleteAsync(TenantDataSet dataSet, long id, CancellationToken cancellationToken)
    {
        var table = TenantTables.For(dataSet);
        return RunDataAsync(table, deleting: true, writes: true, async (session, sql, ct) =>
        {
            var command = new NpgsqlBatchCommand(sql.Delete);
            command.Parameters.Add(new() { Value = id });
            return await session.ExecuteAsync(command, ct) == 1 ? true : throw new TenantRowNotFoundException(table.Name, id);
        }, cancellationToken);
    }

    private async Task<T> RunDataAsync<T>(
        TenantTable table, bool deleting, bool writes, Func<DataSession, TenantTableSql, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var serving = Serving();
        var tenant = await serving.RequireAsync(cancellationToken);

        // Writes are held while a move copies the tenant's rows (TenantGrain.Moves.cs); reads go on from the source.
        using var write = writes ? EnterWrite(tenant) : null;
        try
        {
            if (tenant.Tier == TenantTier.Pooled)
            {
                // The shared pool of the pooled tier; the session sets the tenant context in every batch it sends.
                await using var pooled = await pooledTier.Data.OpenAsync(cancellationToken);
                return await work(new DataSession(pooled, tenant.Slug), pooledTier.Tables.SqlFor(table), cancellationToken);
            }

            await using var connection = await OpenDataConnectionAsync(cancellationToken);
            return await work(new DataSession(connection.Connection, PooledTenant: null), table.Sql, cancellationToken);
        }
        catch (PostgresException ex) when (TenantDataErrors.Translate(ex, table, deleting) is { } translated)
        {
            throw translated;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidPassword
            or PostgresErrorCodes.AdminShutdown
            || (tenant.Tier == TenantTier.Pooled && ex.SqlState is PostgresErrorCodes.InsufficientPrivilege))
        {
            // The role lost its login or its schema under us (suspended or deleted from another silo), or a pooled
            // tenant's write met a policy that no longer lets it through (flagged suspended): say so if that is it.
            serving.Invalidate();
            await serving.RequireAsync(cancellationToken);
            throw;
        }
    }

    private async Task<TenantConnection> OpenDataConnectionAsync(CancellationToken cancellationToken)
    {
        var pool = Pool();
        try
        {
            return await pool.OpenAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The pool was closed between taking it and opening (a suspension, then a resume): use the current one.
            return await Pool().OpenAsync(cancellationToken);
        }
    }

    private TenantServingStatus Serving() =>
        _serving ??= TenantServingStatus.Start(RequireSlug().Value, dataSources.Registry, changes, settings.TenantModel.StatusMaxAge);

    private static IReadOnlyDictionary<string, object?> Single(List<IReadOnlyDictionary<string, object?>> rows, TenantTable table, long id) =>
        rows.Count == 1 ? rows[0] : throw new TenantRowNotFoundException(table.Name, id);

    /// <summary>
    /// One data call's connection. For a pooled tenant every batch starts with its context
    /// (<see cref="Pooled.PooledTenantContext"/>): batch and context are one implicit transaction, one round trip.
    /// </summary>
    private sealed record DataSession(NpgsqlConnection Connection, string? PooledTenant)
    {
        public async Task<List<IReadOnlyDictionary<string, object?>>> ReadRowsAsync(NpgsqlBatchCommand command, TenantTable table, CancellationToken cancellationToken)
        {
            await using var batch = Batch(command);
            var rows = new List<IReadOnlyDictionary<string, object?>>();
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (PooledTenant is not null)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new Dictionary<string, object?>(table.Columns.Count, StringComparer.Ordinal);
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    row[table.Columns[i].Name] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }

        /// <summary>Runs <paramref name="command"/>; the rows it affected.</summary>
        public async Task<int> ExecuteAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
        {
            await using var batch = Batch(command);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return command.RecordsAffected;
        }

        private NpgsqlBatch Batch(NpgsqlBatchCommand command)
        {
            var batch = new NpgsqlBatch(Connection);
            if (PooledTenant is { } tenant)
            {
                batch.BatchCommands.Add(Pooled.PooledTenantContext.Set(tenant));
            }

            batch.BatchCommands.Add(command);
            return batch;
        }
    }
}
