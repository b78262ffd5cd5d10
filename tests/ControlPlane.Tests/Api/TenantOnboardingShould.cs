using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class TenantOnboardingShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    [Fact]
    public async Task AcceptTheRequestWithLocationAndTheTenantResource()
    {
        var slug = TestSlugs.New("acme");

        using var response = await Client.CreateAsync(slug, "Acme Corp");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/v1/tenants/{slug}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        Assert.NotNull(body);
        Assert.Equal(slug, body.Slug);
        Assert.Equal("Acme Corp", body.DisplayName);
        Assert.Equal($"tenant_{slug}", body.Schema);
        Assert.Equal(TenantStatus.Requested, body.State);
        Assert.Equal(0, body.MigrationVersion);
        Assert.Equal(TenantStatus.Requested, Assert.Single(body.Timeline).To);
    }

    [Fact]
    public async Task CountAnOnboardingOnceFromRegistrationToFirstActivationEvenAfterASuspendAndResume()
    {
        var slug = TestSlugs.New("latency");
        var before = await Client.Http.GetFromJsonAsync<OnboardingLatencyResponse>("/v1/tenants/stats/onboarding?window=PT1H", TenantsClient.Json);
        var onboarded = await Client.OnboardAsync(slug);
        var firstActive = onboarded.Timeline.First(e => e.To == TenantStatus.Active).At;
        var requested = onboarded.Timeline.First(e => e.To == TenantStatus.Requested).At;

        using var suspend = await Client.PostActionAsync(slug, "suspend");
        await Client.WaitForStateAsync(slug, TenantStatus.Suspended);
        using var resume = await Client.PostActionAsync(slug, "resume");
        var resumed = await Client.WaitForStateAsync(slug, TenantStatus.Active);
        var after = await Client.Http.GetFromJsonAsync<OnboardingLatencyResponse>("/v1/tenants/stats/onboarding?window=PT1H", TenantsClient.Json);
        var recorded = await fixture.Database.ScalarAsync<double>(
            "SELECT extract(epoch FROM activated_at - created_at) * 1000 FROM controlplane.tenants WHERE slug = $1", slug);

        Assert.Equal(2, resumed.Timeline.Count(e => e.To == TenantStatus.Active));
        Assert.Equal(before!.Count + 1, after!.Count);
        Assert.InRange(recorded, (firstActive - requested).TotalMilliseconds - 5, (firstActive - requested).TotalMilliseconds + 5);
    }

    [Fact]
    public async Task ProvisionSchemaMigrationsAndPersonalisedSeedUntilActive()
    {
        var slug = TestSlugs.New("acme");
        using var created = await Client.CreateAsync(slug, "Acme Corp");

        var tenant = await Client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.Equal(3, tenant.MigrationVersion);
        Assert.Equal(0, tenant.Attempts);
        Assert.Null(tenant.LastError);
        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active],
            tenant.Timeline.Select(e => e.To).Distinct());
        Assert.True(tenant.Timeline.Zip(tenant.Timeline.Skip(1)).All(p => p.First.At <= p.Second.At), "timeline is in time order");
        var db = fixture.Database;
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}"));
        Assert.Equal([1, 2, 3], await db.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 AND status = 'Applied' ORDER BY version", slug));
        Assert.Equal(["Acme Corp Platform"], await db.QueryAsync<string>($"SELECT name FROM tenant_{slug}.teams"));
        Assert.Equal(6, await db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.cloud_providers"));
        Assert.Equal(8, await db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.registry_providers"));
        Assert.Equal(7, await db.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.service_types"));
        Assert.Equal("Active", await db.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", slug));
    }

    [Fact]
    public async Task CreateTheTenantsOwnRoleConfinedToItsSchema()
    {
        var slug = TestSlugs.New("role");

        await Client.OnboardAsync(slug);

        var db = fixture.Database;
        Assert.Equal(
            [$"search_path=tenant_{slug}"],
            await db.QueryAsync<string>("SELECT unnest(setconfig) FROM pg_db_role_setting WHERE setrole = $1::regrole", $"tenant_{slug}"));
        Assert.True(await db.ScalarAsync<bool>("SELECT has_schema_privilege($1, $2, 'USAGE')", $"tenant_{slug}", $"tenant_{slug}"));
        Assert.False(await db.ScalarAsync<bool>("SELECT has_schema_privilege($1, $2, 'CREATE')", $"tenant_{slug}", $"tenant_{slug}"));
        Assert.False(await db.ScalarAsync<bool>("SELECT has_schema_privilege($1, 'controlplane', 'USAGE')", $"tenant_{slug}"));
        Assert.True(await db.ScalarAsync<bool>("SELECT has_table_privilege($1, $2, 'INSERT')", $"tenant_{slug}", $"tenant_{slug}.components"));
        Assert.False(await db.ScalarAsync<bool>("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = $1", $"tenant_{slug}"));
        Assert.Equal(
            ["controlplane_tenants"],
            await db.QueryAsync<string>("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = $1::regrole", $"tenant_{slug}"));
    }

    [Fact]
    public async Task ReturnTheSameTenantWhenTheSameRequestIsRepeated()
    {
        var slug = TestSlugs.New("twice");
        using var first = await Client.CreateAsync(slug, "Twice Ltd");
        var firstBody = await first.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);

        using var second = await Client.CreateAsync(slug, "Twice Ltd");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal($"/v1/tenants/{slug}", second.Headers.Location?.OriginalString);
        var secondBody = await second.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        Assert.Equal(firstBody!.CreatedAt, secondBody!.CreatedAt);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug));
    }

    [Fact]
    public async Task RefuseTheSameSlugWithADifferentBodyWith409()
    {
        var slug = TestSlugs.New("clash");
        using var first = await Client.CreateAsync(slug, "Original Name");

        using var second = await Client.CreateAsync(slug, "Another Name");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await Problem.ReadAsync(second);
        Assert.Contains("Original Name", problem.Detail);
        Assert.Equal("Original Name", (await Client.GetAsync(slug))!.DisplayName);
    }

    [Fact]
    public async Task CreateOneTenantAndOneSchemaFromTwentyConcurrentPosts()
    {
        var slug = TestSlugs.New("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Client.CreateAsync(slug, "Race Ltd")));
        await Client.WaitForStateAsync(slug, TenantStatus.Active);

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"status {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var db = fixture.Database;
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}"));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND step = 'CreateSchema'", slug));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ListTenantsFilteredByStateInPagesFollowingTheCursor()
    {
        var prefix = TestSlugs.New("page");
        var slugs = Enumerable.Range(0, 5).Select(i => $"{prefix}_{i}").ToArray();
        foreach (var slug in slugs)
        {
            await Client.OnboardAsync(slug);
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var query = $"/v1/tenants?state=Active&limit=2" + (after is null ? string.Empty : $"&after={after}");
            var page = await Client.Http.GetFromJsonAsync<TenantListResponse>(query, TenantsClient.Json);
            Assert.NotNull(page);
            Assert.True(page.Items.Count <= 2);
            Assert.All(page.Items, t => Assert.Equal(TenantStatus.Active, t.State));
            seen.AddRange(page.Items.Select(t => t.Slug));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 100);

        Assert.Equal(slugs, seen.Where(s => s.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        var failed = await Client.Http.GetFromJsonAsync<TenantListResponse>("/v1/tenants?state=failed", TenantsClient.Json);
        Assert.DoesNotContain(failed!.Items, t => t.Slug.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerUnknownTenantWith404ProblemDetails()
    {
        using var response = await Client.Http.GetAsync($"/v1/tenants/{TestSlugs.New("nobody")}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No tenant", (await Problem.ReadAsync(response)).Detail);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task AnswerAMissingOrWrongApiKeyWith401(string? key)
    {
        using var http = fixture.Silo.CreateClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var slug = TestSlugs.New("unauth");
        using var post = await http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "X" });
        using var get = await http.GetAsync("/v1/tenants");

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(401, (await Problem.ReadAsync(post)).Status);
        Assert.Null(await Client.GetAsync(slug));
    }

    [Fact]
    public async Task ServeTheOpenApiDocument()
    {
        using var http = fixture.Silo.CreateClient();

        var document = await http.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/v1/tenants\"", document);
        Assert.Contains("\"/v1/tenants/{slug}/retry\"", document);
    }
}
