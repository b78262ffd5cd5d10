using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>The policies endpoints on a database where no pooled tenant has made the pooled schema yet.</summary>
public sealed class PooledPoliciesBeforeTheSchemaShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Answer_404_before_the_pooled_schema_is_made_and_make_it_in_the_mode_a_switch_asks_for()
    {
        var schema = TestPooledSchema.For(fixture.Database.ConnectionString);

        using var before = await fixture.Client.Http.GetAsync("/v1/pooled/policies");
        var notMade = await Problem.ReadAsync(before);
        using var shadow = await fixture.Client.Http.PostAsync("/v1/pooled/policies/shadow", null);
        var made = await shadow.Content.ReadFromJsonAsync<PooledPoliciesResponse>(TenantsClient.Json);
        var slug = TestSlugs.New("pol_first");
        await fixture.Client.OnboardPooledAsync(slug);
        var after = await fixture.Client.Http.GetFromJsonAsync<PooledPoliciesResponse>("/v1/pooled/policies", TenantsClient.Json);
        var registered = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {schema}.tenants WHERE tenant_id = $1", slug);

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Contains(schema, notMade.Detail, StringComparison.Ordinal);
        Assert.Contains("has not been made yet", notMade.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, shadow.StatusCode);
        Assert.Equal(("shadow", "enforced", true), (made!.Mode, made.Previous, made.Changed));
        Assert.Contains(made.Tables, t => t.Table == "components" && t is { PolicyPresent: true, RowSecurityEnabled: false });
        Assert.Equal("shadow", after!.Mode);
        Assert.Equal(3, after.MigrationVersion);
        Assert.Equal(1, registered);
    }
}
