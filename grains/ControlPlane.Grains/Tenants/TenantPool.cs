using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// A tenant grain's dedicated pool: an <see cref="NpgsqlDataSource"/> logging in as the tenant's role on the tenant's
/// schema, whose connections are handed out through the silo-wide <see cref="TenantPoolBudget"/>.
/// </summary>
public sealed class TenantPool : IAsyncDisposable
{
    private readonly TenantPoolBudget _budget;
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    /// <param name="slug">The tenant.</param>
    /// <param name="dataSource">
    /// Builds the data source on first use: a rollout activates thousands of grains that never open a tenant connection.
    /// </param>
    /// <param name="budget">The silo-wide budget its connections count against.</param>
    internal TenantPool(string slug, Func<NpgsqlDataSource> dataSource, TenantPoolBudget budget)
    {
        Slug = slug;
        _dataSource = new Lazy<NpgsqlDataSource>(dataSource, LazyThreadSafetyMode.ExecutionAndPublication);
        _budget = budget;
    }

    public string Slug { get; }

    internal NpgsqlDataSource DataSource => _dataSource.Value;

    /// <summary>True once the data source exists (a connection was asked for).</summary>
    internal bool IsMaterialized => _dataSource.IsValueCreated;

    /// <summary>Holds one of the budget's slots: its connections may be open.</summary>
    internal bool Warm => WarmNode is not null;

    // Its place in the budget's least-recently-used list while it holds a slot: moved in O(1) on every use.
    internal LinkedListNode<TenantPool>? WarmNode { get; set; }

    /// <summary>Connections handed out and not yet returned.</summary>
    internal int Busy { get; set; }

    internal long LastUsed { get; set; }

    internal bool Disposed { get; set; }

    /// <summary>Opens a connection as the tenant's role, waiting for the budget if the silo is at its limit.</summary>
    public Task<TenantConnection> OpenAsync(CancellationToken cancellationToken) => _budget.OpenAsync(this, cancellationToken);

    /// <summary>Closes the pool's connections and gives its slot back.</summary>
    public ValueTask DisposeAsync() => _budget.ReleaseAsync(this);
}

/// <summary>A connection from a tenant pool; disposing it returns it to the pool and the budget.</summary>
public sealed class TenantConnection(NpgsqlConnection connection, TenantPool pool, TenantPoolBudget budget) : IAsyncDisposable
{
    private int _disposed;

    public NpgsqlConnection Connection { get; } = connection;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Connection.DisposeAsync();
            budget.Returned(pool);
        }
    }
}
