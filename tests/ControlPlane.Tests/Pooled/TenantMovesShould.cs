using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>Moving a tenant between tiers through the API (docs/tiers.md#moving-a-tenant-between-tiers).</summary>
public sealed class TenantMovesShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private string PooledSchema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task Move_a_pooled_tenant_into_its_own_schema_with_every_row_and_id_and_nothing_left_in_the_pooled_schema()
    {
        var slug = TestSlugs.New("mv_out");
        await fixture.Client.OnboardPooledAsync(slug);
        await fixture.Database.ExecuteAsync(TenantMoves.PooledRows(PooledSchema, slug));
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        var before = await TenantMoves.AnswersAsync(http);
        var lastComponent = await fixture.Database.ScalarAsync<long>($"SELECT max(id) FROM {PooledSchema}.components WHERE tenant_id = $1", slug);
        var users = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {PooledSchema}.users WHERE tenant_id = $1", slug);

        using var asked = await TenantMoves.AskAsync(fixture.Client, slug, "schema");
        var accepted = await asked.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        var moved = await TenantMoves.WaitForEndAsync(fixture.Client, slug, "schema");
        var after = await TenantMoves.AnswersAsync(http);
        using var created = await http.PostAsJsonAsync("/v1/me/components", new { name = "after the move" });
        var row = await created.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json);

        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal("schema", accepted!.Move?.Tier);
        Assert.Equal("pooled", accepted.Tier);
        Assert.Equal($"tenant_{slug}", moved.Schema);
        Assert.Equal($"tenant_{slug}", moved.Role);
        Assert.Equal(3, moved.MigrationVersion);
        Assert.Equal(before, after);
        Assert.Equal(0, await TenantMoves.PooledRowsLeftAsync(fixture.Database, PooledSchema, slug));
        Assert.Equal(users, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM \"tenant_{slug}\".users"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(long.Parse(row!["id"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture) > lastComponent);
        Assert.Equal(
            ["requested", "created and migrated to version 3", "verified by count and checksum", "done"],
            MoveSteps(moved, "requested", "created and migrated to version 3", "verified by count and checksum", "done"));
    }

    [Fact]
    public async Task Move_a_schema_tier_tenant_into_the_pooled_schema_and_back_with_every_row_and_id_dropping_its_schema_and_role()
    {
        var slug = TestSlugs.New("mv_in");
        await fixture.Client.OnboardAsync(slug);
        await fixture.Database.ExecuteAsync(TenantSchemas.SampleRows($"tenant_{slug}", seeded: true));
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        var before = await TenantMoves.AnswersAsync(http);
        var checksums = await TenantSchemas.ChecksumsAsync(fixture.Database, $"tenant_{slug}");

        using var toPooled = await TenantMoves.AskAsync(fixture.Client, slug, "pooled");
        var pooled = await TenantMoves.WaitForEndAsync(fixture.Client, slug, "pooled");
        var inPool = await TenantMoves.AnswersAsync(http);
        var ownLeft = await TenantMoves.OwnObjectsLeftAsync(fixture.Database, slug);
        using var created = await http.PostAsJsonAsync("/v1/me/components", new { name = "while pooled" });
        using var back = await TenantMoves.AskAsync(fixture.Client, slug, "schema");
        var own = await TenantMoves.WaitForEndAsync(fixture.Client, slug, "schema");
        using var deleted = await http.DeleteAsync($"/v1/me/components/{(await created.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!["id"]}");

        Assert.Equal(HttpStatusCode.Accepted, toPooled.StatusCode);
        Assert.Equal(PooledSchema, pooled.Schema);
        Assert.Equal(before, inPool);
        Assert.Equal(0, ownLeft);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, back.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(checksums, await TenantSchemas.ChecksumsAsync(fixture.Database, $"tenant_{slug}"));
        Assert.Equal(0, await TenantMoves.PooledRowsLeftAsync(fixture.Database, PooledSchema, slug));
        Assert.Equal([1, 2, 3], await fixture.Database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        Assert.Equal(3, own.MigrationVersion);
        Assert.Null(own.LastError);
        Assert.Equal(8, own.Timeline.Count(e => e.Step == ProvisioningStep.Move));
    }

    [Fact]
    public async Task Answer_200_and_change_nothing_when_the_tenant_is_in_that_tier_already()
    {
        var slug = TestSlugs.New("mv_same");
        var tenant = await fixture.Client.OnboardPooledAsync(slug);

        using var asked = await TenantMoves.AskAsync(fixture.Client, slug, "pooled");
        var answered = await asked.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Null(answered!.Move);
        Assert.Equal(tenant.Etag, answered.Etag);
    }

    [Fact]
    public async Task Refuse_an_unknown_or_missing_tier_naming_the_field_and_a_tenant_that_is_not_Active_naming_its_state()
    {
        var slug = TestSlugs.New("mv_refuse");
        await fixture.Client.OnboardAsync(slug);

        using var unknown = await TenantMoves.AskAsync(fixture.Client, slug, "shared");
        using var missing = await fixture.Client.Http.PostAsJsonAsync($"/v1/tenants/{slug}/move", new { });
        using (await fixture.Client.PostActionAsync(slug, "suspend"))
        {
        }

        using var suspended = await TenantMoves.AskAsync(fixture.Client, slug, "pooled");
        var problem = await suspended.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json);
        var tenant = await fixture.Client.GetAsync(slug);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("tier", (await Problem.ReadAsync(unknown)).Errors!.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("tier", (await Problem.ReadAsync(missing)).Errors!.Keys);
        Assert.Equal(HttpStatusCode.Conflict, suspended.StatusCode);
        Assert.Equal("Suspended", problem!["state"]?.ToString());
        Assert.Equal("schema", tenant!.Tier);
        Assert.Null(tenant.Move);
    }

    /// <summary>The timeline's move entries, each named by the first of <paramref name="marks"/> its detail contains.</summary>
    private static List<string> MoveSteps(TenantResponse tenant, params string[] marks) =>
        [.. tenant.Timeline.Where(e => e.Step == ProvisioningStep.Move && e.To == TenantStatus.Active)
            .Select(e => marks.FirstOrDefault(m => e.Detail?.Contains(m, StringComparison.Ordinal) == true) ?? e.Detail ?? "")];
}
