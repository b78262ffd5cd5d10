using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary><c>POST /v1/tenants {"importFrom":{"schema":...}}</c>: a new tenant made from the model's tables of an existing schema.</summary>
public sealed class TenantImportShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    private TestDatabase Database => fixture.Database;

    [Fact]
    public async Task Copy_the_model_tables_of_an_existing_schema_and_leave_the_source_as_it_was()
    {
        var source = TestSlugs.New("legacy");
        await TenantSchemas.CreateFromModelAsync(Database, source, then: TenantSchemas.SampleRows(source, seeded: false) + "CREATE TABLE unrelated (x int); INSERT INTO unrelated VALUES (1);");
        var before = await TenantSchemas.ChecksumsAsync(Database, source);
        var slug = TestSlugs.New("lif");

        using var created = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "LIF Team", importFrom = new { schema = source } });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var active = await Client.WaitForStateAsync(slug, TenantStatus.Active);

        var imported = await TenantSchemas.ChecksumsAsync(Database, $"tenant_{slug}");
        Assert.Equal(before.Where(t => t.Key != "unrelated"), imported);
        Assert.Equal(before, await TenantSchemas.ChecksumsAsync(Database, source));
        var entry = Assert.Single(active.Timeline, e => e.Step == ProvisioningStep.Copy);
        Assert.Contains($"imported from schema {source}", entry.Detail);
        Assert.Contains("counts verified", entry.Detail);
        Assert.Contains("users 35", entry.Detail);
        var nextUser = await TenantSchemas.ScalarAsRoleAsync<long>(Database, $"tenant_{slug}", "INSERT INTO users (email, name) VALUES ('n@example.com', 'N') RETURNING id");
        Assert.Equal(await Database.ScalarAsync<long>($"SELECT max(id) FROM \"{source}\".users") + 1, nextUser);
    }

    [Fact]
    public async Task Refuse_a_mismatched_source_listing_the_differences_and_create_nothing()
    {
        var source = TestSlugs.New("drifted");
        await TenantSchemas.CreateFromModelAsync(Database, source, then: "ALTER TABLE teams DROP COLUMN description; ALTER TABLE users ALTER COLUMN name TYPE varchar(50); DROP TABLE versions;");
        var slug = TestSlugs.New("refused");

        using var response = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Refused", importFrom = new { schema = source } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("errors").TryGetProperty("importFrom.schema", out _));
        var differences = body.GetProperty("differences").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("column teams.description (text) is missing", differences);
        Assert.Contains("column users.name is character varying(50); the model has text", differences);
        Assert.Contains($"table versions is missing from schema {source}", differences);
        Assert.Equal(3, differences.Count);
        await AssertNothingCreatedAsync(slug);
    }

    [Fact]
    public async Task Refuse_a_schema_that_does_not_exist_naming_importFrom_schema()
    {
        var slug = TestSlugs.New("nosrc");
        using var response = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "No source", importFrom = new { schema = "no_such_schema" } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no schema 'no_such_schema'", Assert.Single((await Problem.ReadAsync(response)).Errors!["importFrom.schema"]));
        using var system = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "No source", importFrom = new { schema = "controlplane" } });
        Assert.Equal(HttpStatusCode.BadRequest, system.StatusCode);
        Assert.True((await Problem.ReadAsync(system)).Errors!.ContainsKey("importFrom.schema"));
        await AssertNothingCreatedAsync(slug);
    }

    private async Task AssertNothingCreatedAsync(string slug)
    {
        Assert.Null(await Client.GetAsync(slug));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1 OR nspname LIKE 'cp_reference_%'", $"tenant_{slug}"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1", $"tenant_{slug}"));
    }
}
