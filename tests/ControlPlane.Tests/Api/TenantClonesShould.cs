using System.Net;
using System.Net.Http.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary><c>POST /v1/tenants {"cloneFrom": ...}</c>: a new tenant whose data is a copy of another's, and nothing shared.</summary>
public sealed class TenantClonesShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    private TestDatabase Database => fixture.Database;

    [Fact]
    public async Task Copy_every_row_of_the_source_and_continue_its_identity_sequences()
    {
        var source = await OnboardWithRowsAsync("src");
        var clone = TestSlugs.New("sandbox");

        using var created = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Sandbox", cloneFrom = source });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var active = await Client.WaitForStateAsync(clone, TenantStatus.Active);

        Assert.Equal(await TenantSchemas.ChecksumsAsync(Database, $"tenant_{source}"), await TenantSchemas.ChecksumsAsync(Database, $"tenant_{clone}"));
        var copy = Assert.Single(active.Timeline, e => e.Step == ProvisioningStep.Copy && e.To == TenantStatus.Seeded);
        Assert.Contains($"cloned from tenant {source} at version 3", copy.Detail);
        Assert.DoesNotContain(active.Timeline, e => e.Step == ProvisioningStep.Seed);

        // The clone's own role inserts: ids continue after the copied maximum, in the clone only.
        var maxUser = await Database.ScalarAsync<long>($"SELECT max(id) FROM tenant_{source}.users");
        var newUser = await TenantSchemas.ScalarAsRoleAsync<long>(Database, $"tenant_{clone}",
            "INSERT INTO users (email, name) VALUES ('new@example.com', 'New') RETURNING id");
        Assert.Equal(maxUser + 1, newUser);
        var newTeam = await TenantSchemas.ScalarAsRoleAsync<long>(Database, $"tenant_{clone}", "INSERT INTO teams (name) VALUES ('new team') RETURNING id");
        Assert.Equal(await Database.ScalarAsync<long>($"SELECT max(id) FROM tenant_{source}.teams") + 1, newTeam);
        Assert.Equal(0L, await Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{source}.users WHERE email = 'new@example.com'"));
    }

    [Fact]
    public async Task Keep_the_clone_and_its_source_unable_to_read_each_other()
    {
        var source = await OnboardWithRowsAsync("iso");
        var clone = TestSlugs.New("isoclone");
        using var created = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Iso clone", cloneFrom = source });
        await Client.WaitForStateAsync(clone, TenantStatus.Active);

        Assert.Equal("42501", await TenantSchemas.SqlStateAsRoleAsync(Database, $"tenant_{clone}", $"SELECT count(*) FROM tenant_{source}.users"));
        Assert.Equal("42501", await TenantSchemas.SqlStateAsRoleAsync(Database, $"tenant_{source}", $"SELECT count(*) FROM tenant_{clone}.users"));

        // Nothing shared: the clone's tables and sequences are its own objects.
        Assert.Equal(0L, await Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_class c ON c.oid = d.objid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_class r ON r.oid = d.refobjid JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
            WHERE n.nspname = $1 AND rn.nspname = $2
            """, $"tenant_{clone}", $"tenant_{source}"));
    }

    [Fact]
    public async Task Refuse_a_source_that_does_not_exist_or_is_not_active_naming_cloneFrom()
    {
        var missing = TestSlugs.New("nosuch");
        var clone = TestSlugs.New("orphan");
        using (var response = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Orphan", cloneFrom = missing }))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = await Problem.ReadAsync(response);
            Assert.Contains($"no tenant '{missing}'", Assert.Single(problem.Errors!["cloneFrom"]));
        }

        var suspended = TestSlugs.New("susp");
        await Client.OnboardAsync(suspended);
        using (var suspend = await Client.PostActionAsync(suspended, "suspend"))
        {
            suspend.EnsureSuccessStatusCode();
        }

        using (var response = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Orphan", cloneFrom = suspended }))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("is Suspended", Assert.Single((await Problem.ReadAsync(response)).Errors!["cloneFrom"]));
        }

        using (var response = await Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Orphan", cloneFrom = "Not A Slug" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await Problem.ReadAsync(response)).Errors!.ContainsKey("cloneFrom"));
        }

        Assert.Null(await Client.GetAsync(clone));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1", $"tenant_{clone}"));
    }

    private async Task<string> OnboardWithRowsAsync(string prefix)
    {
        var slug = TestSlugs.New(prefix);
        await Client.OnboardAsync(slug);
        await Database.ExecuteAsync(TenantSchemas.SampleRows($"tenant_{slug}", seeded: true));
        return slug;
    }
}
