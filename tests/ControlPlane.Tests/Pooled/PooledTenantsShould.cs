using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>The pooled tier through the API: onboarding, the resource, the listing filter and the data API (docs/tiers.md).</summary>
public sealed class PooledTenantsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private string PooledSchema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task Onboard_a_pooled_tenant_to_Active_with_its_seed_rows_carrying_its_tenant_id()
    {
        var slug = TestSlugs.New("pool_on");
        using var created = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Small Co", tier = "pooled" });
        var tenant = await fixture.Client.WaitForStateAsync(slug, TenantStatus.Active);

        var teams = await fixture.Database.QueryAsync<string>($"SELECT name FROM {PooledSchema}.teams WHERE tenant_id = $1", slug);
        var environments = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {PooledSchema}.environments WHERE tenant_id = $1", slug);
        var ownSchema = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}");
        var ownRole = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", $"tenant_{slug}");

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal("pooled", tenant.Tier);
        Assert.Equal(PooledSchema, tenant.Schema);
        Assert.Equal($"{PooledSchema}_data", tenant.Role);
        Assert.Equal(3, tenant.MigrationVersion);
        Assert.Equal(["Small Co Platform"], teams);
        Assert.Equal(3, environments);
        Assert.Equal(0, ownSchema);
        Assert.Equal(0, ownRole);
    }

    [Fact]
    public async Task Answer_the_data_api_as_a_schema_tier_tenant_does()
    {
        var (pooled, own) = (TestSlugs.New("pool_same"), TestSlugs.New("own_same"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(pooled, "Same Co"), fixture.Client.OnboardAsync(own, "Same Co"));
        using var pooledHttp = TenantTokens.ClientFor(fixture.Silo, pooled);
        using var ownHttp = TenantTokens.ClientFor(fixture.Silo, own);

        var answers = new List<string[]>();
        foreach (var http in new[] { pooledHttp, ownHttp })
        {
            var environments = await http.GetFromJsonAsync<TenantRowListResponse>("/v1/me/environments", TenantsClient.Json);
            using var created = await http.PostAsJsonAsync("/v1/me/components", new { name = "billing", description = "v1" });
            var row = (await created.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!;
            using var patched = await http.PatchAsJsonAsync($"/v1/me/components/{row["id"]}", new { description = "v2" });
            using var duplicate = await http.PostAsJsonAsync("/v1/me/components", new { name = "billing" });
            var problem = await Problem.ReadAsync(duplicate);
            using var deleted = await http.DeleteAsync($"/v1/me/components/{row["id"]}");
            using var gone = await http.GetAsync($"/v1/me/components/{row["id"]}");
            answers.Add([
                string.Join(",", environments!.Items.Select(e => e["name"]?.ToString())),
                $"{(int)created.StatusCode} {(int)patched.StatusCode} {(await patched.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!["description"]}",
                $"{(int)duplicate.StatusCode} {problem.Title} {string.Join(",", (problem.Errors ?? []).Keys)}",
                $"{(int)deleted.StatusCode} {(int)gone.StatusCode}",
            ]);
        }

        Assert.Equal("development,staging,production", answers[0][0]);
        Assert.Equal("201 200 v2", answers[0][1]);
        Assert.Equal(answers[1], answers[0]);
    }

    [Fact]
    public async Task Never_show_or_change_another_pooled_tenants_rows_whatever_the_request_names()
    {
        var (a, b) = (TestSlugs.New("pool_iso_a"), TestSlugs.New("pool_iso_b"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(a), fixture.Client.OnboardPooledAsync(b));
        using var httpA = TenantTokens.ClientFor(fixture.Silo, a);
        using var httpB = TenantTokens.ClientFor(fixture.Silo, b);
        using var createdB = await httpB.PostAsJsonAsync("/v1/me/components", new { name = "secret" });
        var rowB = (await createdB.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!;
        httpA.DefaultRequestHeaders.Add("X-Tenant", b);

        var listA = await httpA.GetFromJsonAsync<TenantRowListResponse>($"/v1/me/components?tenant={b}", TenantsClient.Json);
        using var getB = await httpA.GetAsync($"/v1/me/components/{rowB["id"]}");
        using var patchB = await httpA.PatchAsJsonAsync($"/v1/me/components/{rowB["id"]}", new { description = "taken over" });
        using var deleteB = await httpA.DeleteAsync($"/v1/me/components/{rowB["id"]}");
        using var sameNameA = await httpA.PostAsJsonAsync("/v1/me/components", new { name = "secret" });
        var stillB = await httpB.GetFromJsonAsync<Dictionary<string, object?>>($"/v1/me/components/{rowB["id"]}", TenantsClient.Json);
        var owners = await fixture.Database.QueryAsync<string>($"SELECT tenant_id FROM {PooledSchema}.components WHERE name = 'secret' ORDER BY tenant_id");

        Assert.Empty(listA!.Items);
        Assert.Equal(HttpStatusCode.NotFound, getB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patchB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteB.StatusCode);
        Assert.Equal(HttpStatusCode.Created, sameNameA.StatusCode);
        Assert.Null(stillB!["description"]);
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), owners);
    }

    [Fact]
    public async Task List_and_count_tenants_by_tier()
    {
        var (pooled, own) = (TestSlugs.New("pool_list"), TestSlugs.New("own_list"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(pooled), fixture.Client.OnboardAsync(own));

        var pooledOnes = await fixture.Client.Http.GetFromJsonAsync<TenantListResponse>("/v1/tenants?tier=pooled&limit=500", TenantsClient.Json);
        var schemaOnes = await fixture.Client.Http.GetFromJsonAsync<TenantListResponse>("/v1/tenants?tier=schema&limit=500", TenantsClient.Json);
        using var bad = await fixture.Client.Http.GetAsync("/v1/tenants?tier=shared");

        Assert.Contains(pooledOnes!.Items, t => t.Slug == pooled && t.Tier == "pooled" && t.Schema == PooledSchema);
        Assert.DoesNotContain(pooledOnes.Items, t => t.Slug == own);
        Assert.All(pooledOnes.Items, t => Assert.Equal("pooled", t.Tier));
        Assert.Contains(schemaOnes!.Items, t => t.Slug == own && t.Tier == "schema");
        Assert.DoesNotContain(schemaOnes.Items, t => t.Slug == pooled);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("tier", (await Problem.ReadAsync(bad)).Errors!.Keys);
    }

    [Fact]
    public async Task Refuse_an_unknown_tier_or_a_pooled_clone_naming_the_field_and_register_nothing()
    {
        var slug = TestSlugs.New("pool_bad");
        using var unknown = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Bad", tier = "shared" });
        using var clone = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Bad", tier = "pooled", cloneFrom = "anyone" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("tier", (await Problem.ReadAsync(unknown)).Errors!.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, clone.StatusCode);
        Assert.Contains("tier", (await Problem.ReadAsync(clone)).Errors!.Keys);
        Assert.Null(await fixture.Client.GetAsync(slug));
    }
}
