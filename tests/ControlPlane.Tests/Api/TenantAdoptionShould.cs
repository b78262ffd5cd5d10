using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary><c>POST /v1/tenants/adopt</c>: a schema another tool made becomes a tenant at a baseline version, data in place.</summary>
public sealed class TenantAdoptionShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    private TestDatabase Database => fixture.Database;

    [Fact]
    public async Task Register_a_matching_schema_at_its_baseline_and_let_a_rollout_migrate_it_past_it()
    {
        var schema = TestSlugs.New("tool");
        await TenantSchemas.CreateFromModelAsync(Database, schema, upTo: 2,
            then: "INSERT INTO teams (name) VALUES ('ops'), ('dev'); INSERT INTO users (email, name, team_id) VALUES ('a@example.com', 'A', 1);");
        var slug = TestSlugs.New("adopted");

        using var response = await Client.Http.PostAsJsonAsync("/v1/tenants/adopt", new { slug, displayName = "Adopted", schema, baselineVersion = 2 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var active = await Client.WaitForStateAsync(slug, TenantStatus.Active);
        Assert.Equal(2, active.MigrationVersion);
        Assert.Contains(active.Timeline, e => e.Detail?.Contains($"adopted schema {schema} (renamed to tenant_{slug}) at baseline version 2", StringComparison.Ordinal) == true);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1", schema));
        Assert.Equal([1, 2], await Database.QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
        Assert.Equal(2L, await TenantSchemas.ScalarAsRoleAsync<long>(Database, $"tenant_{slug}", "SELECT count(*) FROM teams"));

        var rollouts = new RolloutsClient(Client.Http);
        var id = await rollouts.StartOkAsync(new { targetVersion = 3 });
        await rollouts.WaitForStateAsync(id, ControlPlane.Grains.Rollouts.RolloutState.Completed, TimeSpan.FromSeconds(60));
        var upgraded = await Client.WaitForStateAsync(slug, TenantStatus.Active, also: t => t.MigrationVersion == 3);
        Assert.Equal(3, upgraded.MigrationVersion);
        Assert.Equal(0L, await TenantSchemas.ScalarAsRoleAsync<long>(Database, $"tenant_{slug}", "SELECT count(*) FROM tags"));
        Assert.Equal("a@example.com", await TenantSchemas.ScalarAsRoleAsync<string>(Database, $"tenant_{slug}", "SELECT email FROM users"));
    }

    [Fact]
    public async Task Refuse_a_schema_whose_structure_differs_with_409_and_register_nothing()
    {
        var schema = TestSlugs.New("odd");
        await TenantSchemas.CreateFromModelAsync(Database, schema, upTo: 3,
            then: "ALTER TABLE users DROP COLUMN role; ALTER TABLE teams ALTER COLUMN description TYPE varchar(100); DROP INDEX users_team_id_idx;");
        var slug = TestSlugs.New("notadopted");

        using var response = await Client.Http.PostAsJsonAsync("/v1/tenants/adopt", new { slug, displayName = "Not adopted", schema, baselineVersion = 3 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("errors").TryGetProperty("schema", out _));
        var differences = body.GetProperty("differences").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains("column users.role (text) is missing", differences);
        Assert.Contains("column teams.description is character varying(100); the model has text", differences);
        Assert.Contains(differences, d => d.StartsWith("index users_team_id_idx on users is missing", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("constraint users_role_check on users is missing", StringComparison.Ordinal));

        Assert.Null(await Client.GetAsync(slug));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1", schema));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1 OR nspname LIKE 'cp_reference_%'", $"tenant_{slug}"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1", $"tenant_{slug}"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1", slug));
    }

    [Fact]
    public async Task Refuse_a_baseline_outside_the_catalogue_naming_baselineVersion()
    {
        var schema = TestSlugs.New("early");
        await TenantSchemas.CreateFromModelAsync(Database, schema, upTo: 1);
        using var response = await Client.Http.PostAsJsonAsync("/v1/tenants/adopt", new { slug = TestSlugs.New("early"), displayName = "Early", schema, baselineVersion = 9 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Problem.ReadAsync(response)).Errors!.ContainsKey("baselineVersion"));
    }
}
