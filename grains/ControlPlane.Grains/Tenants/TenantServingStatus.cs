using ControlPlane.Grains.TenantData;
using ControlPlane.Registry.Contracts.Tenants;
using Npgsql;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Whether a grain's tenant serves data (exists and <see cref="TenantStateMachine.Serves"/> says so), cached so data calls do not each read the registry.
/// The cache is dropped on every change the cluster announces for the tenant (the change feed, so a suspension on
/// another silo bites within milliseconds), on the grain's own transitions, and after <c>maxAge</c> at the latest,
/// which covers notifications lost while the feed reconnects. Loads racing a change cannot store the older answer:
/// each change bumps a generation and only a load that started in the current generation is trusted.
/// </summary>
internal sealed class TenantServingStatus : IDisposable
{
    private readonly string _slug;
    private readonly NpgsqlDataSource _registry;
    private readonly long _maxAgeMs;
    private readonly ITenantChangeSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private Cached? _cached;
    private long _generation;

    private TenantServingStatus(string slug, NpgsqlDataSource registry, ITenantChangeWaiter changes, TimeSpan maxAge)
    {
        _slug = slug;
        _registry = registry;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _subscription = changes.Subscribe(slug);
    }

    public static TenantServingStatus Start(string slug, NpgsqlDataSource registry, ITenantChangeWaiter changes, TimeSpan maxAge)
    {
        var status = new TenantServingStatus(slug, registry, changes, maxAge);
        _ = status.WatchAsync();
        return status;
    }

    /// <summary>Forget what is cached: the tenant may have changed.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>The tenant, when it serves; otherwise throws <see cref="TenantNotServingException"/>.</summary>
    public async Task<TenantServing> RequireAsync(CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        var cached = Volatile.Read(ref _cached);
        if (cached is null || cached.Generation != generation || Environment.TickCount64 - cached.LoadedAt > _maxAgeMs)
        {
            cached = new Cached(await LoadAsync(cancellationToken), generation, Environment.TickCount64);
            Store(cached);
        }

        return cached.Tenant is { } tenant && TenantStateMachine.Serves(tenant.State)
            ? tenant
            : throw new TenantNotServingException(_slug, cached.Tenant?.State);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _subscription.Dispose();
        _stop.Dispose();
    }

    private void Store(Cached loaded)
    {
        while (true)
        {
            var current = Volatile.Read(ref _cached);
            if (current is not null && current.Generation > loaded.Generation)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _cached, loaded, current) == current)
            {
                return;
            }
        }
    }

    private async Task<TenantServing?> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = _registry.CreateCommand(
            "SELECT display_name, coalesce(pooled_schema, schema_name), state, migration_version, tier, move_phase FROM controlplane.tenants WHERE slug = $1");
        command.Parameters.Add(new() { Value = _slug });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var tier = TenantTiers.TryParse(reader.GetString(4), out var parsed) ? parsed : TenantTier.Schema;
        return new TenantServing(_slug, reader.GetString(0), reader.GetString(1), Enum.Parse<TenantStatus>(reader.GetString(2)), reader.GetInt32(3))
        {
            Tier = tier,
            WritesHeld = !reader.IsDBNull(5) && TenantStateMachine.HoldsWrites(Enum.Parse<TenantMovePhase>(reader.GetString(5))),
        };
    }

    private async Task WatchAsync()
    {
        var stopping = _stop.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (await _subscription.WaitAsync(Timeout.InfiniteTimeSpan, stopping))
                {
                    Invalidate();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The grain deactivated.
        }
    }

    private sealed record Cached(TenantServing? Tenant, long Generation, long LoadedAt);
}
