using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.WarmPool;

public sealed class WarmPoolShould(WarmPoolFixture fixture) : IClassFixture<WarmPoolFixture>
{
    private TenantsClient Client => fixture.Client;

    [Fact]
    public async Task Activate_a_claimed_tenant_with_its_personalised_seed_and_its_own_role_confined_to_its_schema()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var (slug, other) = (TestSlugs.New("claim"), TestSlugs.New("other"));

        var tenant = await Client.OnboardAsync(slug, "Acme Corp");
        await Client.OnboardAsync(other);

        var claimed = WarmPoolProbe.ClaimedSchema(tenant);
        Assert.NotNull(claimed);
        Assert.StartsWith("cp_pool_", claimed);
        Assert.Equal(3, tenant.MigrationVersion);
        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active],
            tenant.Timeline.Select(e => e.To));
        var db = fixture.Database;
        Assert.Equal(["Acme Corp Platform"], await db.QueryAsync<string>($"SELECT name FROM tenant_{slug}.teams"));
        Assert.Equal([1, 2, 3], await db.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 AND status = 'Applied' ORDER BY version", slug));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", claimed));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", claimed));
        var check = await Client.Http.GetFromJsonAsync<TenantConnectionCheck>($"/v1/tenants/{slug}/connection", TenantsClient.Json);
        Assert.Equal($"tenant_{slug}", check!.User);
        Assert.Equal([$"tenant_{slug}"], check.SearchPath);
        Assert.Equal(
            [$"search_path=tenant_{slug}"],
            await db.QueryAsync<string>("SELECT unnest(setconfig) FROM pg_db_role_setting WHERE setrole = $1::regrole", $"tenant_{slug}"));
        Assert.True(await db.ScalarAsync<bool>("SELECT has_table_privilege($1, $2, 'SELECT') AND has_table_privilege($1, $2, 'INSERT')", $"tenant_{slug}", $"tenant_{slug}.components"));
        Assert.False(await db.ScalarAsync<bool>("SELECT has_schema_privilege($1, $2, 'USAGE')", $"tenant_{slug}", $"tenant_{other}"));
        Assert.False(await db.ScalarAsync<bool>("SELECT has_schema_privilege($1, 'controlplane', 'USAGE')", $"tenant_{slug}"));
        Assert.Equal(
            $"controlplane tenant role: database={db.Name} slug={slug}",
            await db.ScalarAsync<string>("SELECT shobj_description($1::regrole, 'pg_authid')", $"tenant_{slug}"));
    }

    [Fact]
    public async Task Answer_the_POST_with_a_claimed_tenant_already_Active_registered_and_claimed_in_one_transaction()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var slug = TestSlugs.New("claim_now");

        using var response = await Client.CreateAsync(slug, "Now Corp");
        var answered = await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        var transactions = await fixture.Database.TransactionsThatWroteTenantAsync(slug);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TenantStatus.Active, answered!.State);
        Assert.NotNull(WarmPoolProbe.ClaimedSchema(answered));
        Assert.Equal(1, transactions);
        Assert.Equal(["Now Corp Platform"], await fixture.Database.QueryAsync<string>($"SELECT name FROM tenant_{slug}.teams"));
    }

    [Fact]
    public async Task Refill_to_its_size_after_onboardings_claim_from_it()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);

        var tenants = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Client.OnboardAsync(TestSlugs.New("refill"))));

        Assert.All(tenants, t => Assert.NotNull(WarmPoolProbe.ClaimedSchema(t)));
        var pool = await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        Assert.Equal(WarmPoolFixture.Size, pool.Size);
        Assert.Equal(
            WarmPoolFixture.Size,
            await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cp\\_pool\\_%'"));
    }

    [Fact]
    public async Task Never_show_pool_schemas_among_the_tenants_listed_or_counted()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var slug = TestSlugs.New("listed");
        await Client.OnboardAsync(slug);

        var page = (await Client.Http.GetFromJsonAsync<TenantListResponse>("/v1/tenants?limit=500", TenantsClient.Json))!;
        var registered = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants");
        var counted = await fixture.Silo.Service<ControlPlane.Registry.Contracts.Tenants.ITenantRegistryReader>().CountAsync(ControlPlane.Registry.Contracts.Tenants.TenantFilter.All, CancellationToken.None);

        Assert.Contains(page.Items, t => t.Slug == slug);
        Assert.DoesNotContain(page.Items, t => t.Schema.StartsWith("cp_pool_", StringComparison.Ordinal) || t.Slug.StartsWith("cp_pool_", StringComparison.Ordinal));
        Assert.Equal(registered, page.Items.Count);
        Assert.Equal(registered, counted.Total);
        Assert.Equal(registered, counted.ByState.Values.Sum());
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE schema_name LIKE 'cp\\_pool\\_%'"));
    }

    [Fact]
    public async Task Never_give_one_pool_schema_to_two_concurrent_onboardings()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var slugs = Enumerable.Range(0, WarmPoolFixture.Size + 3).Select(_ => TestSlugs.New("race")).ToArray();

        var tenants = await Task.WhenAll(slugs.Select(s => Client.OnboardAsync(s)));

        var claimed = tenants.Select(WarmPoolProbe.ClaimedSchema).OfType<string>().ToList();
        Assert.NotEmpty(claimed);
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.All(tenants, t => Assert.Equal(TenantStatus.Active, t.State));
        foreach (var slug in slugs)
        {
            Assert.Equal(1, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
        }
    }

    [Fact]
    public async Task Build_the_tenant_when_the_pool_has_nothing_free()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var slug = TestSlugs.New("empty");

        // Every pool row held by another transaction: to a claim (FOR UPDATE SKIP LOCKED) the pool is empty.
        await using var holder = new NpgsqlConnection(fixture.Database.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockAll = new NpgsqlCommand("WITH held AS (SELECT name FROM controlplane.pool_schemas FOR UPDATE) SELECT count(*) FROM held", holder, hold))
        {
            Assert.Equal(WarmPoolFixture.Size, Convert.ToInt32(await lockAll.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        var tenant = await Client.OnboardAsync(slug);
        await hold.RollbackAsync();

        Assert.Null(WarmPoolProbe.ClaimedSchema(tenant));
        Assert.Contains(tenant.Timeline, e => e.Detail == $"schema tenant_{slug} and role tenant_{slug} created");
        Assert.Equal(3, tenant.MigrationVersion);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
        Assert.Equal(WarmPoolFixture.Size, (await WarmPoolProbe.GetAsync(Client)).Ready);
    }

    [Fact]
    public async Task Show_its_size_ready_and_refilling_through_the_cli()
    {
        await WarmPoolProbe.WaitFullAsync(Client, WarmPoolFixture.Size);
        var cli = new ControlPlane.Tests.Cli.InProcessCli(fixture.Silo);

        var table = await cli.RunAsync("pool");
        var json = await cli.RunAsync("pool", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"Warm pool: size {WarmPoolFixture.Size}, ready {WarmPoolFixture.Size}, refilling 0, stale 0 (catalogue V0003)", table.Out);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(WarmPoolFixture.Size, document.RootElement.GetProperty("ready").GetInt32());
        Assert.Equal(WarmPoolFixture.Size, document.RootElement.GetProperty("size").GetInt32());
    }
}
