using System.Net;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cluster;

/// <summary>
/// What the move to Orleans must not lose: a duplicate activation still writes once (the fence), a call that outlives
/// Orleans' response timeout is never recorded as a failure, and a domain error thrown on another silo keeps its type.
/// </summary>
public sealed class OrleansGuaranteesShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _migrations.Dispose();
    }

    [Fact]
    public async Task Apply_a_migration_once_when_two_activations_of_one_tenant_both_run_it()
    {
        // Two clusters on one database: Orleans keeps one activation per cluster, so the tenant has two, as the
        // default directory may briefly allow during a membership change. Only the registry's fence stands between them.
        await using var first = SiloOf("cluster-one");
        await using var second = SiloOf("cluster-two");
        using var client = first.CreateAdminClient();
        var slug = TestSlugs.New("dup");
        await client.OnboardAsync(slug);
        _migrations.Write("V0004__slow_marks.sql", "SELECT pg_sleep(0.5); CREATE TABLE marks (id int PRIMARY KEY);");

        var outcomes = await Task.WhenAll(
            first.Grains.GetGrain<ITenantGrain>(slug).MigrateToAsync(4, null),
            second.Grains.GetGrain<ITenantGrain>(slug).MigrateToAsync(4, null));

        Assert.All(outcomes, o => Assert.Equal(4, o.Version));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1 AND version = 4", slug));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE 'applied V0004%'", slug));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'marks'", $"tenant_{slug}"));
    }

    [Fact]
    public async Task Record_a_migration_longer_than_the_response_timeout_as_succeeded_not_failed()
    {
        // Orleans' response timeout is 2 s here; the migration takes 4 s. The coordinator's call has its own long
        // timeout, so no outcome is recorded until the migration has really finished.
        await using var silo = SiloOf("long", ("Orleans:Messaging:ResponseTimeout", "00:00:02"));
        using var client = silo.CreateAdminClient();
        var slugs = new[] { TestSlugs.New("long"), TestSlugs.New("long") };
        foreach (var slug in slugs)
        {
            await client.OnboardAsync(slug);
        }

        _migrations.Write("V0004__long.sql", "SELECT pg_sleep(4); CREATE TABLE long_marks (id int PRIMARY KEY);");
        var rollouts = new RolloutsClient(client.Http);
        var id = await rollouts.StartOkAsync(new { maxParallel = 2 });
        var done = await rollouts.WaitForStateAsync(id, RolloutState.Completed, TimeSpan.FromSeconds(60));

        Assert.Equal(slugs.Length, done.Totals.Succeeded);
        Assert.Equal(0, done.Totals.Failed);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollout_tenants WHERE rollout_id = $1 AND status <> 'Succeeded'", id));
        foreach (var slug in slugs)
        {
            Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE 'applied V0004%'", slug));
            Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND step = 'Migrate' AND detail NOT LIKE 'applied%'", slug));
        }
    }

    [Fact]
    public async Task Answer_a_domain_error_thrown_on_another_silo_with_its_own_status_and_problem()
    {
        await using var home = SiloOf("home");
        await using var other = SiloOf("home");
        using var homeClient = home.CreateAdminClient();
        using var otherClient = other.CreateAdminClient();
        var slug = TestSlugs.New("remote");
        await homeClient.OnboardAsync(slug);

        // The tenant's grain lives on the silo that took its first request; a retry through the other silo reaches it
        // there, and the refusal (the tenant is Active, not Failed) crosses back as the same exception.
        using var refused = await otherClient.PostActionAsync(slug, "retry");
        using var missing = await otherClient.PostActionAsync(TestSlugs.New("nobody"), "suspend");

        Assert.True(await home.IsTenantGrainActiveAsync(slug));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await Problem.ReadAsync(refused);
        Assert.Equal("Not allowed in the current state", problem.Title);
        Assert.Contains($"Tenant '{slug}' is Active", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private SiloFactory SiloOf(string clusterId, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = clusterId,
            [_migrations.Setting.Key] = _migrations.Path,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new SiloFactory(_database.ConnectionString, settings);
    }
}
