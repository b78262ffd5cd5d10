using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class ApiKeysShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task ShowTheSecretOnceStoreOnlyItsHashAndListKeysWithoutIt()
    {
        var name = TestSlugs.New("ops");

        var created = await CreateAsync(name, "platform:read");
        var listed = await fixture.Client.Http.GetFromJsonAsync<ApiKeyListResponse>("/v1/api-keys", TenantsClient.Json);
        var listedText = await fixture.Client.Http.GetStringAsync("/v1/api-keys");
        var stored = await fixture.Database.QueryAsync<string>(
            "SELECT concat_ws('|', name, scope, prefix, encode(key_hash, 'escape'), encode(key_hash, 'hex')) FROM controlplane.api_keys");

        Assert.StartsWith("cpk_", created.Key, StringComparison.Ordinal);
        Assert.Equal("platform:read", created.Scope);
        var entry = Assert.Single(listed!.Items, k => k.Name == name);
        Assert.Equal(created.Id, entry.Id);
        Assert.Equal(created.Key[..12], entry.Prefix);
        Assert.Null(entry.RevokedAt);
        Assert.Equal("bootstrap-admin", entry.CreatedBy);
        Assert.DoesNotContain(created.Key, listedText, StringComparison.Ordinal);
        Assert.DoesNotContain(stored, row => row.Contains(created.Key, StringComparison.Ordinal) || row.Contains(created.Key[12..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task LetAReadKeyReadButNeitherCreateNorDeleteAnything()
    {
        var slug = TestSlugs.New("ro");
        await fixture.Client.OnboardAsync(slug);
        var key = await CreateAsync(TestSlugs.New("reader"), "platform:read");
        using var reader = KeyClient(key.Key);

        using var list = await reader.GetAsync("/v1/tenants");
        using var get = await reader.GetAsync($"/v1/tenants/{slug}");
        using var keys = await reader.GetAsync("/v1/api-keys");
        using var create = await reader.PostAsJsonAsync("/v1/tenants", new { slug = TestSlugs.New("no"), displayName = "No" });
        using var delete = await reader.DeleteAsync($"/v1/tenants/{slug}");
        using var suspend = await reader.PostAsync($"/v1/tenants/{slug}/suspend", null);
        using var createKey = await reader.PostAsJsonAsync("/v1/api-keys", new { name = TestSlugs.New("escalate"), scope = "platform:admin" });
        using var revoke = await reader.DeleteAsync($"/v1/api-keys/{key.Id}");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        foreach (var refused in new[] { create, delete, suspend, createKey, revoke })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("platform:read", (await Problem.ReadAsync(refused)).Detail, StringComparison.Ordinal);
        }

        Assert.Equal(ControlPlane.Grains.Tenants.TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
    }

    [Fact]
    public async Task StopAcceptingAKeyAtOnceWhenItIsRevoked()
    {
        var key = await CreateAsync(TestSlugs.New("temp"), "platform:admin");
        using var client = KeyClient(key.Key);
        using var before = await client.GetAsync("/v1/tenants");

        using var revoke = await fixture.Client.Http.DeleteAsync($"/v1/api-keys/{key.Id}");
        using var after = await client.GetAsync("/v1/tenants");
        var listed = await fixture.Client.Http.GetFromJsonAsync<ApiKeyResponse>($"/v1/api-keys/{key.Id}", TenantsClient.Json);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", (await Problem.ReadAsync(after)).Detail, StringComparison.Ordinal);
        Assert.NotNull(listed!.RevokedAt);
    }

    [Fact]
    public async Task LetATenantScopedKeyActAsItsTenantOnlyOnTenantData()
    {
        var slug = TestSlugs.New("tk");
        await fixture.Client.OnboardAsync(slug, $"{slug} Keyed");
        var key = await CreateAsync(TestSlugs.New("tenantkey"), $"tenant:{slug}");
        using var client = KeyClient(key.Key);

        var me = await client.GetFromJsonAsync<MeResponse>("/v1/me", TenantsClient.Json);
        var teams = await client.GetFromJsonAsync<TenantRowListResponse>("/v1/me/teams", TenantsClient.Json);
        using var platform = await client.GetAsync("/v1/tenants");

        Assert.Equal(slug, me!.Tenant);
        Assert.Contains(teams!.Items, t => t["name"]?.ToString() == $"{slug} Keyed Platform");
        Assert.Equal(HttpStatusCode.Forbidden, platform.StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"","scope":"platform:read"}""", "name")]
    [InlineData("""{"name":"x","scope":"platform:root"}""", "scope")]
    [InlineData("""{"name":"x","scope":"tenant:Bad-Slug"}""", "scope")]
    [InlineData("""{"name":"x","scope":"platform:read","secret":"mine"}""", "secret")]
    public async Task RefuseABadKeyRequestWith400NamingTheField(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await fixture.Client.Http.PostAsync("/v1/api-keys", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Problem.ReadAsync(response)).Errors?.ContainsKey(field), $"errors should name '{field}'");
    }

    [Fact]
    public async Task RefuseASecondLiveKeyWithTheSameNameWith409AndAnUnknownIdWith404()
    {
        var name = TestSlugs.New("dup");
        await CreateAsync(name, "platform:read");

        using var again = await fixture.Client.Http.PostAsJsonAsync("/v1/api-keys", new { name, scope = "platform:read" });
        using var unknown = await fixture.Client.Http.DeleteAsync($"/v1/api-keys/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(409, (await Problem.ReadAsync(again)).Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(404, (await Problem.ReadAsync(unknown)).Status);
    }

    private async Task<CreatedApiKeyResponse> CreateAsync(string name, string scope)
    {
        using var response = await fixture.Client.Http.PostAsJsonAsync("/v1/api-keys", new { name, scope });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating key {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(TenantsClient.Json))!;
    }

    private HttpClient KeyClient(string key)
    {
        var client = fixture.Silo.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
