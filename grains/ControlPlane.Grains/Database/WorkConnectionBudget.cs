using System.Collections.Concurrent;
using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Database;

/// <summary>
/// The silo-wide budget of DDL connections, shared by provisioning and rollouts, and their pool. Waiting here is
/// unbounded and fair (FIFO), unlike waiting inside a pool, which times out.
/// </summary>
/// <remarks>
/// The budget keeps its own idle connections rather than using Npgsql's pool, because it retires a connection by how
/// many tenants it has served, which a pool cannot know: a backend caches the catalogue entries of every schema it
/// touches and never evicts them (about 0.35 MB per tenant of the example model), so a connection that walked a whole
/// rollout would grow by gigabytes. A connection is retired after
/// <see cref="DatabaseOptions.WorkConnectionMaxTenants"/> leases (one lease is one tenant's turn) or
/// <see cref="DatabaseOptions.WorkConnectionLifetime"/>, whichever comes first; idle ones past their lifetime are
/// closed in the background, so an idle silo holds no bloated backend either.
/// </remarks>
public sealed class WorkConnectionBudget : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _permits;
    private readonly ConcurrentStack<IdleConnection> _idle = new();
    private readonly int _maxTenants;
    private readonly long _lifetimeMs;
    private readonly Timer _prune;
    private int _inUse;
    private int _open;
    private long _retired;

    public WorkConnectionBudget(ControlPlaneDataSources dataSources, IOptions<DatabaseOptions> options)
    {
        var o = options.Value;
        _source = dataSources.Work;
        Capacity = o.WorkConnections;
        _permits = new SemaphoreSlim(Capacity, Capacity);
        _maxTenants = o.WorkConnectionMaxTenants;
        _lifetimeMs = (long)o.WorkConnectionLifetime.TotalMilliseconds;
        var every = TimeSpan.FromMilliseconds(Math.Max(1000, _lifetimeMs / 2));
        _prune = new Timer(_ => _ = PruneAsync(), null, every, every);
    }

    /// <summary>The number of work connections the budget allows.</summary>
    public int Capacity { get; }

    /// <summary>Work connections currently handed out.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Work connections open now, handed out or idle (never more than <see cref="Capacity"/>).</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Connections closed so far because they had served their tenants or lived their lifetime.</summary>
    public long Retired => Interlocked.Read(ref _retired);

    /// <summary>Waits for a permit and hands out a work connection; disposing the lease returns both.</summary>
    public async Task<WorkConnectionLease> OpenAsync(CancellationToken cancellationToken)
    {
        await _permits.WaitAsync(cancellationToken);
        try
        {
            var lease = await TakeIdleAsync() ?? await OpenNewAsync(cancellationToken);
            Interlocked.Increment(ref _inUse);
            return lease;
        }
        catch
        {
            _permits.Release();
            throw;
        }
    }

    private async Task<WorkConnectionLease?> TakeIdleAsync()
    {
        while (_idle.TryPop(out var idle))
        {
            if (idle.Connection.FullState == ConnectionState.Open && !Expired(idle.OpenedAt))
            {
                return new WorkConnectionLease(idle.Connection, this, idle.OpenedAt, idle.Served);
            }

            await RetireAsync(idle.Connection);
        }

        return null;
    }

    private async Task<WorkConnectionLease> OpenNewAsync(CancellationToken cancellationToken)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken);
        Interlocked.Increment(ref _open);
        return new WorkConnectionLease(connection, this, Environment.TickCount64, 0);
    }

    internal async ValueTask ReturnAsync(WorkConnectionLease lease)
    {
        try
        {
            var served = lease.Served + 1 + lease.AlsoServed;

            // A broken connection, or one left inside a transaction, is never handed to the next tenant.
            if (lease.Connection.FullState == ConnectionState.Open && served < _maxTenants && !Expired(lease.OpenedAt))
            {
                _idle.Push(new IdleConnection(lease.Connection, lease.OpenedAt, served));
            }
            else
            {
                await RetireAsync(lease.Connection);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inUse);
            _permits.Release();
        }
    }

    private bool Expired(long openedAt) => Environment.TickCount64 - openedAt >= _lifetimeMs;

    private async Task RetireAsync(NpgsqlConnection connection)
    {
        Interlocked.Decrement(ref _open);
        Interlocked.Increment(ref _retired);
        await connection.DisposeAsync();
    }

    // Idle connections past their lifetime go now, not at their next use.
    private async Task PruneAsync()
    {
        var keep = new List<IdleConnection>();
        while (_idle.TryPop(out var idle))
        {
            if (Expired(idle.OpenedAt) || idle.Connection.FullState != ConnectionState.Open)
            {
                try
                {
                    await RetireAsync(idle.Connection);
                }
                catch (NpgsqlException)
                {
                    // Closing a connection the server already dropped: it is gone either way.
                }
            }
            else
            {
                keep.Add(idle);
            }
        }

        for (var i = keep.Count - 1; i >= 0; i--)
        {
            _idle.Push(keep[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _prune.DisposeAsync();
        while (_idle.TryPop(out var idle))
        {
            await idle.Connection.DisposeAsync();
        }

        _permits.Dispose();
    }

    private sealed record IdleConnection(NpgsqlConnection Connection, long OpenedAt, int Served);
}

/// <summary>An open work connection held against the budget, for one tenant's turn.</summary>
public sealed class WorkConnectionLease(NpgsqlConnection connection, WorkConnectionBudget budget, long openedAt, int served) : IAsyncDisposable
{
    private int _disposed;

    public NpgsqlConnection Connection { get; } = connection;

    internal long OpenedAt { get; } = openedAt;

    /// <summary>Tenants' turns the connection served before this one.</summary>
    internal int Served { get; } = served;

    /// <summary>More tenants this lease served beyond its one (a migration group's members), counted toward the connection's retirement.</summary>
    internal int AlsoServed { get; private set; }

    /// <summary>Counts <paramref name="tenants"/> more tenants served on this lease: a backend caches every schema it touches.</summary>
    public void CountTenants(int tenants) => AlsoServed += tenants;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await budget.ReturnAsync(this);
        }
    }
}
