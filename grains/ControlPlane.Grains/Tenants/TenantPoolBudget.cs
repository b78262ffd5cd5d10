using ControlPlane.Grains.Migrations;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The silo-wide cap on tenant connections. Npgsql pools have no global limit, and a pool keeps idle connections
/// (each caching its tenant's catalogue) long after use, so a silo touching thousands of tenants would exhaust
/// <c>max_connections</c>. Here a pool must hold one of <c>MaxConnections / PoolSize</c> slots to open anything;
/// when none is free, the least recently used pool with nothing in use is cleared and loses its slot.
/// </summary>
public sealed class TenantPoolBudget(IOptions<TenantModelOptions> options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TenantPool> _warm = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private readonly int _slots = Math.Max(1, options.Value.MaxConnections / options.Value.PoolSize);
    private int _busy;
    private long _evictions;

    /// <summary>The most physical tenant connections this silo can hold.</summary>
    public int Capacity => _slots * options.Value.PoolSize;

    /// <summary>Tenant connections in use right now.</summary>
    public int InUse => Volatile.Read(ref _busy);

    /// <summary>Pools holding a slot (their connections may be open, busy or idle).</summary>
    public int WarmPools
    {
        get
        {
            lock (_gate)
            {
                return _warm.Count;
            }
        }
    }

    /// <summary>Pools cleared to make room since start.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    internal async Task<TenantConnection> OpenAsync(TenantPool pool, CancellationToken cancellationToken)
    {
        while (true)
        {
            TenantPool? evicted = null;
            TaskCompletionSource? waiter = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(pool.Disposed, pool);
                if (pool.Warm || _warm.Count < _slots || (evicted = LeastRecentlyUsedIdle()) is not null)
                {
                    if (evicted is not null)
                    {
                        Cool(evicted);
                    }

                    if (!pool.Warm)
                    {
                        pool.WarmNode = _warm.AddLast(pool);
                    }

                    pool.Busy++;
                    _busy++;
                    Touch(pool);
                }
                else
                {
                    waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.Enqueue(waiter);
                }
            }

            if (waiter is not null)
            {
                await waiter.Task.WaitAsync(cancellationToken);
                continue;
            }

            if (evicted is not null && evicted.IsMaterialized)
            {
                // Closes its idle connections now; any still out are closed when they come back.
                evicted.DataSource.Clear();
                Interlocked.Increment(ref _evictions);
            }

            try
            {
                return new TenantConnection(await pool.DataSource.OpenConnectionAsync(cancellationToken), pool, this);
            }
            catch
            {
                Returned(pool);
                throw;
            }
        }
    }

    internal void Returned(TenantPool pool)
    {
        lock (_gate)
        {
            pool.Busy--;
            _busy--;
            Touch(pool);
            WakeOne();
        }
    }

    internal async ValueTask ReleaseAsync(TenantPool pool)
    {
        lock (_gate)
        {
            if (pool.Disposed)
            {
                return;
            }

            pool.Disposed = true;
            if (pool.Warm)
            {
                Cool(pool);
            }

            WakeOne();
        }

        if (pool.IsMaterialized)
        {
            await pool.DataSource.DisposeAsync();
        }
    }

    private TenantPool? LeastRecentlyUsedIdle()
    {
        for (var node = _warm.First; node is not null; node = node.Next)
        {
            if (node.Value.Busy == 0)
            {
                return node.Value;
            }
        }

        return null;
    }

    private void Cool(TenantPool pool)
    {
        _warm.Remove(pool.WarmNode!);
        pool.WarmNode = null;
    }

    private void Touch(TenantPool pool)
    {
        pool.LastUsed = Environment.TickCount64;
        if (pool.WarmNode is { } node && _warm.Last != node)
        {
            _warm.Remove(node);
            _warm.AddLast(node);
        }
    }

    private void WakeOne()
    {
        while (_waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult())
            {
                return;
            }
        }
    }
}
