using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Api;

public sealed class TenantIsolationShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task NeverShowOrChangeAnotherTenantsRowsWhateverTheRequestNames()
    {
        var (a, b) = (TestSlugs.New("iso_a"), TestSlugs.New("iso_b"));
        await Task.WhenAll(fixture.Client.OnboardAsync(a), fixture.Client.OnboardAsync(b));
        using var httpA = TenantTokens.ClientFor(fixture.Silo, a);
        using var httpB = TenantTokens.ClientFor(fixture.Silo, b);
        await httpA.PostAsJsonAsync("/v1/me/components", new { name = $"{a}-secret" });
        // Ids are per schema: B's secret gets id 3, which A does not have, so A naming it must find nothing.
        await httpB.PostAsJsonAsync("/v1/me/components", new { name = $"{b}-first" });
        await httpB.PostAsJsonAsync("/v1/me/components", new { name = $"{b}-second" });
        using var createdB = await httpB.PostAsJsonAsync("/v1/me/components", new { name = $"{b}-secret" });
        var rowB = (await createdB.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!;
        httpA.DefaultRequestHeaders.Add("X-Tenant", b);

        var listA = await httpA.GetStringAsync($"/v1/me/components?tenant={b}&schema=tenant_{b}");
        using var getB = await httpA.GetAsync($"/v1/me/components/{rowB["id"]}");
        using var patchB = await httpA.PatchAsJsonAsync($"/v1/me/components/{rowB["id"]}", new { description = "taken over" });
        using var deleteB = await httpA.DeleteAsync($"/v1/me/components/{rowB["id"]}");
        using var namesB = await httpA.PostAsJsonAsync("/v1/me/components", new { name = "x", tenant = b });
        var stillB = await httpB.GetFromJsonAsync<Dictionary<string, object?>>($"/v1/me/components/{rowB["id"]}", TenantsClient.Json);

        Assert.Contains($"{a}-secret", listA, StringComparison.Ordinal);
        Assert.DoesNotContain(b, listA, StringComparison.Ordinal);
        Assert.Equal(3L, long.Parse(rowB["id"]!.ToString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.NotFound, getB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patchB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteB.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, namesB.StatusCode);
        Assert.Equal($"{b}-secret", stillB!["name"]!.ToString());
        Assert.Null(stillB["description"]);
    }

    [Fact]
    public async Task HaveItsRolesQueryAnotherTenantsTableDeniedByPostgreSqlItself()
    {
        var (a, b) = (TestSlugs.New("xs_a"), TestSlugs.New("xs_b"));
        await Task.WhenAll(fixture.Client.OnboardAsync(a), fixture.Client.OnboardAsync(b));
        await using var poolA = fixture.Silo.Service<TenantPoolFactory>().Create(TenantSlug.Parse(a));
        await using var connection = await poolA.OpenAsync(CancellationToken.None);

        var crossSchema = await QueryErrorAsync(connection.Connection, $"SELECT count(*) FROM tenant_{b}.users");
        var registry = await QueryErrorAsync(connection.Connection, "SELECT count(*) FROM controlplane.tenants");
        var apiKeys = await QueryErrorAsync(connection.Connection, "SELECT count(*) FROM controlplane.api_keys");
        var becomeB = await QueryErrorAsync(connection.Connection, $"SET ROLE tenant_{b}");
        var pathToB = await QueryErrorAsync(connection.Connection, $"SET search_path TO tenant_{b}; SELECT count(*) FROM users");
        await using var reset = new NpgsqlCommand("RESET search_path; SELECT current_user, pg_catalog.current_schemas(true)", connection.Connection);
        await using var reader = await reset.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, crossSchema?.SqlState);
        Assert.Contains($"permission denied for schema tenant_{b}", crossSchema?.MessageText, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, registry?.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, apiKeys?.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, becomeB?.SqlState);
        Assert.NotNull(pathToB);
        Assert.Equal($"tenant_{a}", reader.GetString(0));
        Assert.Equal(["pg_catalog", $"tenant_{a}"], reader.GetFieldValue<string[]>(1));
    }

    [Fact]
    public async Task DropTheTenantsRoleAndSchemaWhenDeprovisionedAndRefuseItsTokensAfterwards()
    {
        var slug = TestSlugs.New("drop");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        using var before = await http.GetAsync("/v1/me/teams");

        using var delete = await fixture.Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        await fixture.Client.WaitForStateAsync(slug, TenantStatus.Deleted);
        var roles = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", $"tenant_{slug}");
        var schemas = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}");
        using var after = await http.GetAsync("/v1/me/teams");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(0, roles);
        Assert.Equal(0, schemas);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Contains("deleted", (await Problem.ReadAsync(after)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepEveryTenantRoleFromReadingTheRegistryAndPublicOffItsPath()
    {
        var slug = TestSlugs.New("reg");
        await fixture.Client.OnboardAsync(slug);

        var registryAccess = await fixture.Database.ScalarAsync<bool>(
            "SELECT has_schema_privilege($1, 'controlplane', 'USAGE') OR has_table_privilege($1, 'controlplane.tenants', 'SELECT') OR has_table_privilege($1, 'controlplane.api_keys', 'SELECT')",
            $"tenant_{slug}");
        var check = await fixture.Client.Http.GetFromJsonAsync<TenantConnectionCheck>($"/v1/tenants/{slug}/connection", TenantsClient.Json);
        var roleSettings = await fixture.Database.ScalarAsync<string[]>(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = $1", $"tenant_{slug}");

        Assert.False(registryAccess);
        Assert.Equal([$"tenant_{slug}"], check!.SearchPath);
        Assert.Equal([$"search_path=tenant_{slug}"], roleSettings);
    }

    private static async Task<PostgresException?> QueryErrorAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException ex)
        {
            return ex;
        }
    }
}
