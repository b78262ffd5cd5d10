using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Rollouts;

/// <summary>The migration lint as an operator meets it: in the catalogue listing, and as a 409 before a rollout writes anything.</summary>
public sealed class RolloutLintShould
{
    // Line 2 builds an index on a table every tenant already has, blocking its writes while it builds.
    private const string UnsafeIndex = "ALTER TABLE components ADD COLUMN owner text;\nCREATE INDEX components_owner_idx ON components (owner);\n";

    [Fact]
    public async Task List_each_files_findings_in_the_catalogue_and_an_empty_list_for_safe_files()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);

        var catalogue = await fixture.Rollouts.CatalogueAsync();

        Assert.All(catalogue.Migrations.Where(m => m.Version < 4), m => Assert.Empty(m.Lint));
        var finding = Assert.Single(catalogue.Migrations.Single(m => m.Version == 4).Lint);
        Assert.Equal(("V0004__owner_index.sql", 2, "create-index-not-concurrently", "error"), (finding.File, finding.Line, finding.Rule, finding.Severity));
        Assert.Contains("components", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("CREATE INDEX CONCURRENTLY", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuse_a_rollout_with_an_unaccepted_error_finding_listing_it_and_write_nothing()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("lint", 2);
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);

        using var refused = await fixture.Rollouts.StartAsync(new { targetVersion = 4 });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("acceptLint", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var finding = Assert.Single(body.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("V0004__owner_index.sql", finding.GetProperty("file").GetString());
        Assert.Equal(2, finding.GetProperty("line").GetInt32());
        Assert.Equal("create-index-not-concurrently", finding.GetProperty("rule").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("message").GetString()));
        Assert.StartsWith("CREATE INDEX CONCURRENTLY", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task Start_a_rollout_whose_findings_the_request_accepts_and_record_the_accepted_rules_in_the_audit()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        var slugs = await fixture.OnboardAsync("accept", 2);
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);

        var id = await fixture.Rollouts.StartOkAsync(new { targetVersion = 4, acceptLint = new[] { "create-index-not-concurrently" } });
        await fixture.Rollouts.WaitForStateAsync(id, RolloutState.Completed);
        var audit = (await fixture.Tenants.Http.GetFromJsonAsync<AuditListResponse>("/v1/audit", TenantsClient.Json))!;

        foreach (var slug in slugs)
        {
            Assert.Equal(4, await fixture.VersionAsync(slug));
        }

        Assert.Equal("to version 4, accepting lint create-index-not-concurrently", audit.Items.Single(e => e.Target == id && e.Action == "rollout.start").Detail);
    }

    [Fact]
    public async Task Not_refuse_for_findings_in_files_every_tenant_already_has()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("past", 2);
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);
        var first = await fixture.Rollouts.StartOkAsync(new { acceptLint = new[] { "create-index-not-concurrently" } });
        await fixture.Rollouts.WaitForStateAsync(first, RolloutState.Completed);
        fixture.Migrations.Write("V0005__owner_notes.sql", "ALTER TABLE components ADD COLUMN owner_notes text;");

        using var second = await fixture.Rollouts.StartAsync(new { });

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
    }

    [Fact]
    public async Task Refuse_an_unknown_accepted_rule_naming_its_index()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);

        using var response = await fixture.Rollouts.StartAsync(new { acceptLint = new[] { "drop-table", "create-index" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("'create-index' is not a lint rule", Assert.Single(problem.Errors!["acceptLint[1]"]), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }

    [Fact]
    public async Task Show_the_pending_files_findings_in_the_plan_and_which_of_them_would_refuse_a_start()
    {
        await using var fixture = await RolloutFixture.StartAsync();
        await fixture.OnboardAsync("planlint", 2);
        fixture.Migrations.Write("V0004__owner_index.sql", UnsafeIndex);

        var unaccepted = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4 });
        var accepted = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 4, acceptLint = new[] { "create-index-not-concurrently" } });
        var before = await fixture.Rollouts.PlanOkAsync(new { targetVersion = 3 });

        var finding = Assert.Single(unaccepted.Lint);
        Assert.Equal(("V0004__owner_index.sql", 2, "create-index-not-concurrently"), (finding.File, finding.Line, finding.Rule));
        Assert.Equal(finding, Assert.Single(unaccepted.LintRefused));
        Assert.Equal(finding, Assert.Single(accepted.Lint));
        Assert.Empty(accepted.LintRefused);
        Assert.Empty(before.Lint);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.rollouts"));
    }
}
