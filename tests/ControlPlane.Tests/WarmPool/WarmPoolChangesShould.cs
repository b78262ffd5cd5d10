using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Tests.WarmPool;

/// <summary>The pool when what it is built for changes: a new catalogue, a smaller size. Each test has its own database and silos.</summary>
public sealed class WarmPoolChangesShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Never_give_an_onboarding_a_schema_built_at_an_older_catalogue_and_rebuild_the_pool_at_the_new_one()
    {
        using var folder = new MigrationFolder();
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            [folder.Setting.Key] = folder.Setting.Value,
            ["ControlPlane:Tenants:WarmPoolSize"] = "2",
        });
        using var client = silo.CreateAdminClient();
        await WarmPoolProbe.WaitFullAsync(client, 2, version: 3);

        folder.Write("V0004__pool_probe.sql", "ALTER TABLE teams ADD COLUMN pool_probe text;\n");
        var first = await client.OnboardAsync(TestSlugs.New("newcat"));
        await WarmPoolProbe.WaitFullAsync(client, 2, version: 4);
        var second = await client.OnboardAsync(TestSlugs.New("newcat"));

        foreach (var tenant in new[] { first, second })
        {
            Assert.Equal(4, tenant.MigrationVersion);
            Assert.True(
                await _database.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'pool_probe')", $"tenant_{tenant.Slug}.teams"),
                $"tenant {tenant.Slug} (timeline: {string.Join(" | ", tenant.Timeline.Select(e => e.Detail))}) lacks V0004's column");
        }

        Assert.NotNull(WarmPoolProbe.ClaimedSchema(second));
        Assert.Equal(
            0,
            await _database.ScalarAsync<long>(
                """
                SELECT count(*) FROM pg_namespace n WHERE n.nspname LIKE 'cp\_pool\_%'
                AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                                WHERE c.relnamespace = n.oid AND c.relname = 'teams' AND a.attname = 'pool_probe')
                """));
    }

    [Fact]
    public async Task Never_make_Ready_a_schema_whose_role_its_catalogue_leaves_without_rights_and_build_the_tenant_instead()
    {
        // The claim does not ask the Activate step's questions again: the refiller asks them when it builds.
        using var folder = new MigrationFolder();
        folder.Write("V0004__revoke.sql", "DO $$ BEGIN EXECUTE format('REVOKE INSERT ON teams FROM %I', current_schema()); END $$;\n");
        var logs = new CapturedLogs();
        await using var silo = new SiloFactory(
            _database.ConnectionString,
            new Dictionary<string, string?> { [folder.Setting.Key] = folder.Setting.Value, ["ControlPlane:Tenants:WarmPoolSize"] = "1" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = silo.CreateAdminClient();

        var refused = await Eventually.ReadsAsync(
            () => Task.FromResult(logs.Entries.FirstOrDefault(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Building warm pool schema ", StringComparison.Ordinal))),
            e => e is not null,
            "the refiller to refuse the schema it built",
            _ => "no warning yet",
            TimeSpan.FromSeconds(60));
        var slug = TestSlugs.New("norights");
        using (var created = await client.CreateAsync(slug, "No Rights Ltd"))
        {
            created.EnsureSuccessStatusCode();
        }

        var tenant = await client.WaitForStateAsync(slug, TenantStatus.Failed, TimeSpan.FromSeconds(60));

        Assert.Contains("is not ready: its role lacks read/write on 1 table(s)", refused!.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM controlplane.pool_schemas WHERE state = 'Ready'"));
        Assert.Null(WarmPoolProbe.ClaimedSchema(tenant));
        Assert.Contains("its role lacks read/write on 1 table(s)", tenant.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_the_surplus_schemas_and_roles_when_the_size_shrinks()
    {
        var first = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?> { ["ControlPlane:Tenants:WarmPoolSize"] = "3" });
        using (var client = first.CreateAdminClient())
        {
            await WarmPoolProbe.WaitFullAsync(client, 3);
        }

        await first.DisposeAsync();
        await using var second = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?> { ["ControlPlane:Tenants:WarmPoolSize"] = "1" });
        using var smaller = second.CreateAdminClient();

        var pool = await WarmPoolProbe.WaitFullAsync(smaller, 1);

        Assert.Equal(1, pool.Size);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cp\\_pool\\_%'"));
        Assert.Equal(
            1,
            await _database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE $1", $"controlplane tenant role: database={_database.Name} pool=%"));
    }
}
