using System.Text.Json;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary><c>controlplane tenants ...</c> run in-process against a real silo and database.</summary>
public sealed class TenantCommandsShould(CliSiloFixture fixture) : IClassFixture<CliSiloFixture>
{
    private readonly InProcessCli _cli = new(fixture.Silo);

    [Fact]
    public async Task CreateWithWaitFollowProvisioningUntilActiveAndSayIt()
    {
        var slug = TestSlugs.New("cli");

        var result = await _cli.RunAsync("tenants", "create", slug, "--name", "Acme Corp", "--wait", "--timeout", "60");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Tenant {slug} is Active (version 4).", result.Out);
        Assert.Contains("Requested → SchemaCreated", result.Out);
        Assert.Contains("Seeded → Active", result.Out);
        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
    }

    [Fact]
    public async Task CreateWithWaitExitWithTheTenantFailedCodeAndItsErrorWhenNoRetryIsLeft()
    {
        var slug = TestSlugs.New(CliSiloFixture.DoomedPrefix);

        var result = await _cli.RunAsync("tenants", "create", slug, "--name", "Doomed Ltd", "--wait", "--timeout", "60");

        Assert.True(result.ExitCode == 12, result.ToString());
        Assert.Contains($"tenant {slug} failed at Migrate after 3 attempt(s)", result.Error);
        Assert.Contains("doomed tenants cannot take V0004", result.Error);
        Assert.Contains("retry 2 scheduled", result.Out);
        Assert.DoesNotContain("is Active", result.Out);
    }

    [Fact]
    public async Task ListEveryTenantAcrossPagesWithAll()
    {
        var prefix = TestSlugs.New("page");
        var slugs = Enumerable.Range(1, 5).Select(i => $"{prefix}_{i}").ToList();
        foreach (var slug in slugs)
        {
            using var created = await fixture.Client.CreateAsync(slug, $"{slug} Ltd");
            created.EnsureSuccessStatusCode();
        }

        var all = await _cli.RunAsync("tenants", "list", "--limit", "2", "--all", "--json");
        var firstPage = await _cli.RunAsync("tenants", "list", "--limit", "2");
        var table = await _cli.RunAsync("tenants", "list", "--limit", "2", "--all");

        Assert.True(all.ExitCode == 0, all.ToString());
        using var json = JsonDocument.Parse(all.Out);
        var listed = json.RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("slug").GetString()!).ToList();
        Assert.Superset(slugs.ToHashSet(), listed.ToHashSet());
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("next").ValueKind);
        Assert.True(firstPage.ExitCode == 0, firstPage.ToString());
        Assert.Contains("2 tenant(s)", firstPage.Out);
        Assert.Contains("More: run with --all, or --after ", firstPage.Out);
        Assert.All(slugs, slug => Assert.Contains(slug, table.Out));
        Assert.Contains($"{listed.Count} tenant(s)", table.Out);
    }

    [Fact]
    public async Task ListOnlyTheTenantsWhoseSlugOrNameHoldTheSearchText()
    {
        var prefix = TestSlugs.New("find");
        using (var byName = await fixture.Client.CreateAsync($"{prefix}_1", "Zyxwvut Logistics"))
        using (var other = await fixture.Client.CreateAsync($"{prefix}_2", "Other Ltd"))
        {
            byName.EnsureSuccessStatusCode();
            other.EnsureSuccessStatusCode();
        }

        var byNameText = await _cli.RunAsync("tenants", "list", "--search", "ZYXWVUT", "--json");
        var bySlugText = await _cli.RunAsync("tenants", "list", "-q", $"{prefix}_2", "--json");

        Assert.True(byNameText.ExitCode == 0, byNameText.ToString());
        Assert.Equal([$"{prefix}_1"], Slugs(byNameText.Out));
        Assert.Equal([$"{prefix}_2"], Slugs(bySlugText.Out));
    }

    private static List<string> Slugs(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("slug").GetString()!)];
    }

    [Fact]
    public async Task ShowATenantWithItsTimeline()
    {
        var slug = TestSlugs.New("show");
        await fixture.Client.OnboardAsync(slug, "Show & Tell <Ltd>");

        var details = await _cli.RunAsync("tenants", "get", slug);
        var json = await _cli.RunAsync("tenants", "get", slug, "--json");

        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("Show & Tell <Ltd>", details.Out);
        Assert.Contains("Timeline", details.Out);
        Assert.Contains("Seeded → Active", details.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(slug, document.RootElement.GetProperty("slug").GetString());
        Assert.Equal("Active", document.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task SuspendResumeAndDeleteATenant()
    {
        var slug = TestSlugs.New("ops");
        await fixture.Client.OnboardAsync(slug);

        var suspended = await _cli.RunAsync("tenants", "suspend", slug);
        var resumed = await _cli.RunAsync("tenants", "resume", slug);
        var deleted = await _cli.RunAsync("tenants", "delete", slug, "--wait", "--timeout", "60");

        Assert.True(suspended.ExitCode == 0, suspended.ToString());
        Assert.Contains($"Tenant {slug} is Suspended", suspended.Out);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"Tenant {slug} is Active", resumed.Out);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("Deprovisioning → Deleted", deleted.Out);
        Assert.Contains($"Tenant {slug} is Deleted", deleted.Out);
        Assert.Equal(TenantStatus.Deleted, (await fixture.Client.GetAsync(slug))!.State);
    }

    [Fact]
    public async Task Delete_a_tenant_with_retain_for_show_it_Retained_with_its_purge_time_and_resume_it()
    {
        var slug = TestSlugs.New("cliret");
        await fixture.Client.OnboardAsync(slug);

        var retained = await _cli.RunAsync("tenants", "delete", slug, "--retain-for", "P7D", "--yes");
        var details = await _cli.RunAsync("tenants", "get", slug);
        var bad = await _cli.RunAsync("tenants", "delete", slug, "--retain-for", "seven days", "--yes");
        var resumed = await _cli.RunAsync("tenants", "resume", slug);

        Assert.True(retained.ExitCode == 0, retained.ToString());
        Assert.Contains($"Tenant {slug} is Retained", retained.Out);
        Assert.Contains("unless resumed", retained.Out);
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Contains("Purge at", details.Out);
        Assert.Contains("Active → Retained", details.Out);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("retainFor", bad.ToString());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"Tenant {slug} is Active", resumed.Out);
        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
    }

    [Fact]
    public async Task Create_a_pooled_tenant_with_tier_show_its_tier_in_get_and_list_and_list_only_its_tier()
    {
        var (pooled, own) = (TestSlugs.New("clipool"), TestSlugs.New("cliown"));
        await fixture.Client.OnboardAsync(own);

        var created = await _cli.RunAsync("tenants", "create", pooled, "--name", "Small Co", "--tier", "pooled", "--wait", "--timeout", "60");
        var details = await _cli.RunAsync("tenants", "get", pooled);
        var pooledOnes = await _cli.RunAsync("tenants", "list", "--tier", "pooled", "--limit", "500", "--json");
        var schemaOnes = await _cli.RunAsync("tenants", "list", "--tier", "schema", "--limit", "500", "--json");
        var table = await _cli.RunAsync("tenants", "list", "--tier", "pooled", "--limit", "500");
        var badTier = await _cli.RunAsync("tenants", "list", "--tier", "shared");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Tenant {pooled} is Active", created.Out);
        Assert.True(details.ExitCode == 0, details.ToString());
        Assert.Matches(@"Tier\s+pooled", details.Out);
        Assert.Contains(TestPooledSchema.For(fixture.Database.ConnectionString), details.Out);
        Assert.Contains(pooled, Slugs(pooledOnes.Out));
        Assert.DoesNotContain(own, Slugs(pooledOnes.Out));
        Assert.Contains(own, Slugs(schemaOnes.Out));
        Assert.DoesNotContain(pooled, Slugs(schemaOnes.Out));
        Assert.Contains("Tier", table.Out);
        Assert.Matches($@"{pooled}\s.*pooled", table.Out);
        Assert.Equal(7, badTier.ExitCode);
        Assert.Contains("  tier: ", badTier.Error);
    }

    [Fact]
    public async Task PrintAValidationProblemWithItsFieldAndExitWithTheInvalidRequestCode()
    {
        var result = await _cli.RunAsync("tenants", "create", "Not A Slug", "--name", "Nope");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("error: The request is not valid (400 on POST /v1/tenants)", result.Error);
        Assert.Contains("  slug: ", result.Error);
    }

    [Fact]
    public async Task PrintAStateConflictWithTheCurrentStateAndExitWithTheConflictCode()
    {
        var slug = TestSlugs.New("conflict");
        await fixture.Client.OnboardAsync(slug);

        var result = await _cli.RunAsync("tenants", "retry", slug);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"error: Not allowed in the current state (409 on POST /v1/tenants/{slug}/retry)", result.Error);
        Assert.Contains("  state: Active", result.Error);
    }

    [Fact]
    public async Task ExitWithTheNotFoundCodeForAnUnknownTenant()
    {
        var slug = TestSlugs.New("ghost");

        var result = await _cli.RunAsync("tenants", "watch", slug);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("error: Tenant not found (404 on GET /v1/tenants/", result.Error);
        Assert.Contains(slug, result.Error);
    }

    [Fact]
    public async Task ExitWithTheUnauthorizedCodeWhenTheApiRefusesTheKey()
    {
        var result = await _cli.RunAsync("tenants", "list", "--api-key", "not-the-key");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("401", result.Error);
        Assert.Contains("hint: pass the admin key", result.Error);
    }

    [Fact]
    public async Task ShowTheAuditLogOfATenantNewestFirst()
    {
        var slug = TestSlugs.New("cliaudit");
        await fixture.Client.OnboardAsync(slug);
        (await fixture.Client.PostActionAsync(slug, "suspend")).Dispose();

        var table = await _cli.RunAsync("audit", "--tenant", slug);
        var json = await _cli.RunAsync("audit", "--tenant", slug, "--json");
        var badLimit = await _cli.RunAsync("audit", "--limit", "0");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("tenant.suspend", table.Out);
        Assert.Contains("succeeded (200)", table.Out);
        Assert.Contains("bootstrap-admin", table.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(["tenant.suspend", "tenant.onboard"], document.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(2, badLimit.ExitCode);
        Assert.Contains("--limit must be between 1 and 500", badLimit.Error);
    }
}
