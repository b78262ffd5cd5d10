using ControlPlane.Grains.Database;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Tests.Database;

/// <summary>
/// The DDL connections' budget against a real server: a backend that has served its tenants is replaced (its
/// catalogue cache grows with every schema it touches), one within its allowance is reused, and the budget never
/// opens more connections than it allows.
/// </summary>
public sealed class WorkConnectionBudgetShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Reuse_a_connection_until_it_has_served_its_tenants_then_replace_its_backend()
    {
        await using var sources = Sources(out var options, workConnections: 1, maxTenants: 3, lifetime: TimeSpan.FromMinutes(5));
        await using var budget = new WorkConnectionBudget(sources, options);

        var backends = new List<int>();
        for (var turn = 0; turn < 7; turn++)
        {
            await using var lease = await budget.OpenAsync(CancellationToken.None);
            backends.Add(await BackendAsync(lease.Connection));
        }

        // Three turns per backend: 7 turns took three backends, each retired one gone from the server.
        Assert.Equal(3, backends.Distinct().Count());
        Assert.Equal([3, 3, 1], backends.GroupBy(b => b).Select(g => g.Count()));
        Assert.Equal(2, budget.Retired);
        var live = await _database.QueryAsync<int>("SELECT pid FROM pg_stat_activity WHERE application_name = 'controlplane-work' AND datname = current_database()");
        Assert.Equal([backends[^1]], live);
    }

    [Fact]
    public async Task Never_open_more_connections_than_its_budget_under_concurrent_turns()
    {
        await using var sources = Sources(out var options, workConnections: 3, maxTenants: 5, lifetime: TimeSpan.FromMinutes(5));
        await using var budget = new WorkConnectionBudget(sources, options);
        var most = 0;

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            await using var lease = await budget.OpenAsync(CancellationToken.None);
            await BackendAsync(lease.Connection);
            InterlockedMax(ref most, budget.Open);
        }));

        // Its own count never passed the budget, and the server agrees with it once retired backends have exited
        // (a closed connection's backend goes a moment after the client hangs up).
        Assert.InRange(most, 1, 3);
        Assert.InRange(budget.Open, 0, 3);
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'controlplane-work' AND datname = current_database()") == budget.Open,
            $"the server to hold exactly the budget's {budget.Open} open work connections",
            TimeSpan.FromSeconds(20));
        Assert.True(budget.Retired >= 40 / 5 - 3, $"40 turns at 5 per connection retire at least 5 connections; retired {budget.Retired}");
    }

    [Fact]
    public async Task Close_an_idle_connection_once_its_lifetime_has_passed()
    {
        await using var sources = Sources(out var options, workConnections: 2, maxTenants: 100, lifetime: TimeSpan.FromSeconds(2));
        await using var budget = new WorkConnectionBudget(sources, options);
        int backend;
        await using (var lease = await budget.OpenAsync(CancellationToken.None))
        {
            backend = await BackendAsync(lease.Connection);
        }

        Assert.Equal(1, budget.Open);

        // Nobody uses it again: the budget's own prune closes it, so an idle silo keeps no grown backend.
        await Eventually.HoldsAsync(
            async () => await _database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", backend) == 0,
            $"the idle work backend {backend} to be closed after its 2 s lifetime",
            TimeSpan.FromSeconds(20));
        Assert.Equal(0, budget.Open);
    }

    private ControlPlaneDataSources Sources(out IOptions<DatabaseOptions> options, int workConnections, int maxTenants, TimeSpan lifetime)
    {
        options = Options.Create(new DatabaseOptions
        {
            WorkConnections = workConnections,
            WorkConnectionMaxTenants = maxTenants,
            WorkConnectionLifetime = lifetime,
        });
        return new ControlPlaneDataSources(new ControlPlaneConnectionString(_database.ConnectionString), options, NullLoggerFactory.Instance);
    }

    private static async Task<int> BackendAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
