using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Rollouts;

/// <summary>
/// A silo on a database of its own with a migrations folder the test controls. Rollouts span every tenant of a
/// database and only one may be open, so each rollout test gets its own.
/// </summary>
public sealed class RolloutFixture : IAsyncDisposable
{
    private RolloutFixture(TestDatabase database, MigrationFolder migrations, SiloFactory silo)
    {
        Database = database;
        Migrations = migrations;
        Silo = silo;
        Tenants = silo.CreateAdminClient();
        Rollouts = new RolloutsClient(Tenants.Http);
    }

    public TestDatabase Database { get; }

    public MigrationFolder Migrations { get; }

    public SiloFactory Silo { get; }

    public TenantsClient Tenants { get; }

    public RolloutsClient Rollouts { get; }

    public static Task<RolloutFixture> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, settings);

    /// <summary>As <see cref="StartAsync(ValueTuple{string, string}[])"/>, with services added to the silo (an exporter, a gate).</summary>
    public static async Task<RolloutFixture> StartAsync(Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        var database = await TestDatabase.CreateAsync();
        var migrations = new MigrationFolder();
        var all = new Dictionary<string, string?>(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))) { [migrations.Setting.Key] = migrations.Path };
        all.TryAdd("ControlPlane:Database:WorkConnections", "4");
        return new RolloutFixture(database, migrations, new SiloFactory(database.ConnectionString, all, services));
    }

    /// <summary>
    /// Onboards tenants named &lt;prefix&gt;_&lt;unique&gt;_000.. (display names from <paramref name="displayName"/>) and waits until all
    /// are Active. Names are unique per call because tenant roles are cluster-wide.
    /// </summary>
    public async Task<string[]> OnboardAsync(string prefix, int count, Func<int, string>? displayName = null)
    {
        prefix = TestSlugs.New(prefix);
        var slugs = Enumerable.Range(0, count).Select(i => $"{prefix}_{i:000}").ToArray();
        foreach (var response in await Task.WhenAll(slugs.Select((s, i) => Tenants.CreateAsync(s, displayName?.Invoke(i) ?? $"{s} Ltd"))))
        {
            response.Dispose();
        }

        await Eventually.ReadsAsync(
            () => Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug LIKE $1 AND state = 'Active'", prefix + "\\_%"),
            active => active == count,
            $"all {count} tenants '{prefix}_*' to be Active",
            active => $"{active} Active",
            TimeSpan.FromSeconds(120),
            every: TimeSpan.FromMilliseconds(200));

        return slugs;
    }

    public Task<int> VersionAsync(string slug) =>
        Database.ScalarAsync<int>("SELECT migration_version FROM controlplane.tenants WHERE slug = $1", slug);

    public async ValueTask DisposeAsync()
    {
        Tenants.Dispose();
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
        Migrations.Dispose();
    }
}
