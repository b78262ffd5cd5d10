using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Tests.Cli;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Pooled;

/// <summary>
/// <c>/v1/pooled/policies</c> and shadow mode (docs/tiers.md, "Shadow mode"). The mode belongs to the pooled schema, which
/// the tests of this class share: each starts from enforced (switching is idempotent) and leaves it so.
/// </summary>
public sealed class PooledPoliciesShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private static readonly string[] ModelTables = ["cloud_providers", "components", "environments", "teams", "tenants", "users"];

    private string Schema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task Report_every_pooled_table_the_control_table_included_ready_and_enforced_by_default()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pol_rep"));
        await SwitchOkAsync("enforce");

        var report = await ReportAsync();

        Assert.Equal(Schema, report.Schema);
        Assert.Equal("enforced", report.Mode);
        Assert.True(report.Ready);
        Assert.Contains("PostgreSQL enforces it", report.Isolation, StringComparison.Ordinal);
        Assert.Superset(ModelTables.ToHashSet(), report.Tables.Select(t => t.Table).ToHashSet());
        Assert.All(report.Tables, t => Assert.True(
            t is { HasTenantId: true, PolicyPresent: true, RowSecurityEnabled: true, Forced: true, TenantIndex: true, Mode: "enforced", AsMode: true, NotReady.Count: 0 },
            $"{t.Table}: {t}"));
    }

    [Fact]
    public async Task Go_from_shadow_to_enforced_and_back_and_keep_tenants_apart_through_the_api_while_in_shadow_mode()
    {
        var (a, b) = (TestSlugs.New("pol_sh_a"), TestSlugs.New("pol_sh_b"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(a), fixture.Client.OnboardPooledAsync(b));
        await SwitchOkAsync("enforce");
        using var httpA = TenantTokens.ClientFor(fixture.Silo, a);
        using var httpB = TenantTokens.ClientFor(fixture.Silo, b);
        using var createdB = await httpB.PostAsJsonAsync("/v1/me/components", new { name = "b-only" });
        var rowB = (await createdB.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!;
        try
        {
            var toShadow = await SwitchOkAsync("shadow");
            var shadowAgain = await SwitchOkAsync("shadow");
            var shadowReport = await ReportAsync();
            var rawInShadow = await CountWithoutContextAsync();
            var listA = await httpA.GetFromJsonAsync<TenantRowListResponse>("/v1/me/components", TenantsClient.Json);
            using var getB = await httpA.GetAsync($"/v1/me/components/{rowB["id"]}");
            using var patchB = await httpA.PatchAsJsonAsync($"/v1/me/components/{rowB["id"]}", new { description = "taken over" });
            using var writtenA = await httpA.PostAsJsonAsync("/v1/me/components", new { name = "a-in-shadow" });
            var ownerOfA = await fixture.Database.ScalarAsync<string>($"SELECT tenant_id FROM {Schema}.components WHERE name = 'a-in-shadow'");

            var toEnforced = await SwitchOkAsync("enforce");
            var enforcedAgain = await SwitchOkAsync("enforce");
            var enforcedReport = await ReportAsync();
            var rawEnforced = await CountWithoutContextAsync();
            var back = await SwitchOkAsync("shadow");
            var audit = await fixture.Client.Http.GetFromJsonAsync<AuditListResponse>("/v1/audit?limit=50", TenantsClient.Json);

            Assert.Equal(("shadow", "enforced", true), (toShadow.Mode, toShadow.Previous, toShadow.Changed));
            Assert.Equal(("shadow", "shadow", false), (shadowAgain.Mode, shadowAgain.Previous, shadowAgain.Changed));
            Assert.Equal("shadow", shadowReport.Mode);
            Assert.Contains("rests on the application alone", shadowReport.Isolation, StringComparison.Ordinal);
            Assert.True(shadowReport.Ready);
            Assert.All(shadowReport.Tables, t => Assert.True(
                t is { PolicyPresent: true, RowSecurityEnabled: false, Forced: false, Mode: "shadow", AsMode: true }, $"{t.Table}: {t}"));
            Assert.True(rawInShadow >= 1, $"in shadow mode the data role without context saw {rawInShadow} component rows");
            Assert.DoesNotContain(listA!.Items, r => r["name"]?.ToString() == "b-only");
            Assert.Equal(HttpStatusCode.NotFound, getB.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, patchB.StatusCode);
            Assert.Equal(HttpStatusCode.Created, writtenA.StatusCode);
            Assert.Equal(a, ownerOfA);

            Assert.Equal(("enforced", "shadow", true), (toEnforced.Mode, toEnforced.Previous, toEnforced.Changed));
            Assert.Equal(("enforced", false), (enforcedAgain.Mode, enforcedAgain.Changed));
            Assert.All(enforcedReport.Tables, t => Assert.True(t is { RowSecurityEnabled: true, Forced: true, AsMode: true }, $"{t.Table}: {t}"));
            Assert.Equal(0, rawEnforced);
            Assert.Equal(("shadow", true), (back.Mode, back.Changed));
            Assert.Equal("Shadow", await fixture.Database.ScalarAsync<string>("SELECT policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1", Schema));
            Assert.Contains(audit!.Items, e => e.Action == "pooled.policies.shadow" && e.Target == Schema && e.Status == 200 && e.Detail == "enforced -> shadow");
            Assert.Contains(audit.Items, e => e.Action == "pooled.policies.enforce" && e.Detail == "already enforced");
        }
        finally
        {
            await SwitchOkAsync("enforce");
        }
    }

    [Fact]
    public async Task Refuse_to_enforce_naming_each_table_that_is_not_ready_and_change_nothing()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pol_nr"));
        await SwitchOkAsync("enforce");
        await SwitchOkAsync("shadow");
        var owner = PooledNames.OwnerRole(Schema);
        await fixture.Database.ExecuteAsync($"""
            SET ROLE {owner};
            CREATE TABLE {Schema}.plain_notes (id integer PRIMARY KEY, body text);
            CREATE TABLE {Schema}.unindexed (id integer PRIMARY KEY, tenant_id text NOT NULL DEFAULT {Schema}.current_tenant());
            RESET ROLE;
            """);
        try
        {
            using var refused = await fixture.Client.Http.PostAsync("/v1/pooled/policies/enforce", null);
            var cli = await new InProcessCli(fixture.Silo).RunAsync("pooled", "policies", "enforce");
            var body = await refused.Content.ReadAsStringAsync();
            using var problem = JsonDocument.Parse(body);
            var named = problem.RootElement.GetProperty("tables").EnumerateArray()
                .ToDictionary(t => t.GetProperty("table").GetString()!, t => t.GetProperty("notReady").EnumerateArray().Select(r => r.GetString()!).ToList());
            var report = await ReportAsync();
            var mode = await fixture.Database.ScalarAsync<string>("SELECT policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1", Schema);
            var secured = await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' AND (c.relrowsecurity OR c.relforcerowsecurity)", Schema);
            var newPolicies = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_policies WHERE schemaname = $1 AND tablename = 'unindexed'", Schema);

            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.True(cli.ExitCode == 6, cli.ToString());
            Assert.Contains("plain_notes", cli.Error, StringComparison.Ordinal);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("plain_notes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("unindexed", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(["plain_notes", "unindexed"], named.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("no tenant_id column", named["plain_notes"]);
            Assert.Contains("no index leading with tenant_id", named["unindexed"]);
            Assert.DoesNotContain("no tenant_id column", named["unindexed"]);
            Assert.False(report.Ready);
            Assert.Equal("shadow", report.Mode);
            Assert.Equal("Shadow", mode);
            Assert.Equal(0, secured);
            Assert.Equal(0, newPolicies);
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"DROP TABLE {Schema}.plain_notes; DROP TABLE {Schema}.unindexed;");
            await SwitchOkAsync("enforce");
        }
    }

    [Fact]
    public async Task Serialize_concurrent_switches_so_that_each_answer_and_the_end_state_agree()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pol_conc"));
        await SwitchOkAsync("enforce");
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SwitchOkAsync(i % 2 == 0 ? "shadow" : "enforce")));
            var end = await ReportAsync();
            var stored = await fixture.Database.ScalarAsync<string>("SELECT policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1", Schema);

            Assert.All(answers, a => Assert.All(a.Tables, t => Assert.True(t.AsMode, $"answer in mode {a.Mode}: {t}")));
            Assert.Equal(3, answers.Count(a => a.Mode == "shadow"));
            Assert.All(end.Tables, t => Assert.True(t.AsMode, $"end state in mode {end.Mode}: {t}"));
            Assert.Equal(end.Mode, stored.ToLowerInvariant());
        }
        finally
        {
            await SwitchOkAsync("enforce");
        }
    }

    [Fact]
    public async Task Refuse_a_switch_from_a_read_only_key_but_show_it_the_report()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pol_ro"));
        using var created = await fixture.Client.Http.PostAsJsonAsync("/v1/api-keys", new { name = TestSlugs.New("pol_reader"), scope = "platform:read" });
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(TenantsClient.Json))!;
        using var reader = fixture.Silo.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Api-Key", key.Key);

        using var report = await reader.GetAsync("/v1/pooled/policies");
        using var shadow = await reader.PostAsync("/v1/pooled/policies/shadow", null);
        using var enforce = await reader.PostAsync("/v1/pooled/policies/enforce", null);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, shadow.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, enforce.StatusCode);
        Assert.Equal("enforced", (await ReportAsync()).Mode);
    }

    [Fact]
    public async Task Show_and_switch_the_mode_from_the_cli()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pol_cli"));
        var cli = new InProcessCli(fixture.Silo);
        await SwitchOkAsync("enforce");

        var shown = await cli.RunAsync("pooled", "policies");
        var shadow = await cli.RunAsync("pooled", "policies", "shadow");
        var json = await cli.RunAsync("pooled", "policies", "--json");
        var enforce = await cli.RunAsync("pooled", "policies", "enforce");
        var again = await cli.RunAsync("pooled", "policies", "enforce");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains($"Pooled schema {Schema}", shown.Out, StringComparison.Ordinal);
        Assert.Contains("mode enforced", shown.Out, StringComparison.Ordinal);
        Assert.Contains("components", shown.Out, StringComparison.Ordinal);
        Assert.True(shadow.ExitCode == 0, shadow.ToString());
        Assert.Contains("mode shadow (was enforced)", shadow.Out, StringComparison.Ordinal);
        Assert.Contains("rests on the application alone", shadow.Out, StringComparison.Ordinal);
        Assert.Equal("shadow", JsonDocument.Parse(json.Out).RootElement.GetProperty("mode").GetString());
        Assert.Contains("mode enforced (was shadow)", enforce.Out, StringComparison.Ordinal);
        Assert.Contains("mode enforced (unchanged)", again.Out, StringComparison.Ordinal);
    }

    private async Task<PooledPoliciesResponse> ReportAsync()
    {
        using var response = await fixture.Client.Http.GetAsync("/v1/pooled/policies");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/pooled/policies: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<PooledPoliciesResponse>(TenantsClient.Json))!;
    }

    private async Task<PooledPoliciesResponse> SwitchOkAsync(string mode)
    {
        using var response = await fixture.Client.Http.PostAsync($"/v1/pooled/policies/{mode}", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /v1/pooled/policies/{mode}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<PooledPoliciesResponse>(TenantsClient.Json))!;
    }

    /// <summary>Component rows the pooled data role sees with no tenant context: none while enforced.</summary>
    private async Task<long> CountWithoutContextAsync()
    {
        var role = PooledNames.DataRole(Schema);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString)
        {
            Username = role,
            Password = fixture.Silo.Service<TenantRolePasswords>().For(role),
            Passfile = null,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {Schema}.components", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
