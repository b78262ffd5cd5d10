using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Database;

/// <summary>
/// The silo-wide budget of DDL connections, shared by provisioning and rollouts. Waiting here is unbounded
/// and fair (FIFO), unlike waiting inside the pool, which times out.
/// </summary>
public sealed class WorkConnectionBudget(ControlPlaneDataSources dataSources, IOptions<DatabaseOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _permits = new(options.Value.WorkConnections, options.Value.WorkConnections);
    private int _inUse;

    /// <summary>The number of work connections the budget allows.</summary>
    public int Capacity { get; } = options.Value.WorkConnections;

    /// <summary>Work connections currently handed out.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Waits for a permit and opens a work connection; disposing the lease returns both.</summary>
    public async Task<WorkConnectionLease> OpenAsync(CancellationToken cancellationToken)
    {
        await _permits.WaitAsync(cancellationToken);
        try
        {
            var connection = await dataSources.Work.OpenConnectionAsync(cancellationToken);
            Interlocked.Increment(ref _inUse);
            return new WorkConnectionLease(connection, this);
        }
        catch
        {
            _permits.Release();
            throw;
        }
    }

    public void Dispose() => _permits.Dispose();

    internal void Return()
    {
        Interlocked.Decrement(ref _inUse);
        _permits.Release();
    }
}

/// <summary>An open work connection held against the budget.</summary>
public sealed class WorkConnectionLease(NpgsqlConnection connection, WorkConnectionBudget budget) : IAsyncDisposable
{
    private int _disposed;

    public NpgsqlConnection Connection { get; } = connection;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Connection.DisposeAsync();
            budget.Return();
        }
    }
}
