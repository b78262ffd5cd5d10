using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class TenantLabelsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    [Fact]
    public async Task Set_and_remove_labels_with_a_merge_patch_that_bumps_the_etag()
    {
        var slug = TestSlugs.New("lbl");
        using var created = await Client.CreateAsync(slug, "Label Ltd");

        var set = await Client.LabelOkAsync(slug, new Dictionary<string, string?> { ["plan"] = "enterprise", ["region"] = "eu" });
        var changed = await Client.LabelOkAsync(slug, new Dictionary<string, string?> { ["region"] = null, ["tier"] = "gold" });
        var shown = await Client.GetAsync(slug);

        Assert.Equal(new Dictionary<string, string> { ["plan"] = "enterprise", ["region"] = "eu" }, set.Labels);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "enterprise", ["tier"] = "gold" }, changed.Labels);
        Assert.True(changed.Etag > set.Etag, $"etag {set.Etag} then {changed.Etag}");
        Assert.Equal(changed.Labels, shown!.Labels);
        Assert.Equal("{\"plan\": \"enterprise\", \"tier\": \"gold\"}", await fixture.Database.ScalarAsync<string>("SELECT labels::text FROM controlplane.tenants WHERE slug = $1", slug));
    }

    [Fact]
    public async Task Refuse_a_label_change_against_a_stale_etag()
    {
        var slug = TestSlugs.New("lbl");
        using var created = await Client.CreateAsync(slug, "Label Ltd");
        var first = await Client.LabelOkAsync(slug, new Dictionary<string, string?> { ["plan"] = "free" });
        await Client.LabelOkAsync(slug, new Dictionary<string, string?> { ["plan"] = "pro" });

        using var stale = await Client.PatchLabelsAsync(slug, new Dictionary<string, string?> { ["plan"] = "enterprise" }, ifMatch: first.Etag);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("pro", (await Client.GetAsync(slug))!.Labels["plan"]);
    }

    [Theory]
    [InlineData("Plan", "free", "labels.Plan")]
    [InlineData("-plan", "free", "labels.-plan")]
    [InlineData("plan", "free tier", "labels.plan")]
    [InlineData("plan", "x/y", "labels.plan")]
    public async Task Refuse_a_bad_label_key_or_value_naming_the_field(string key, string value, string field)
    {
        var slug = TestSlugs.New("lbl");
        using var created = await Client.CreateAsync(slug, "Label Ltd");

        using var response = await Client.PatchLabelsAsync(slug, new Dictionary<string, string?> { [key] = value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await Problem.ReadAsync(response)).Errors!.Keys);
        Assert.Empty((await Client.GetAsync(slug))!.Labels);
    }

    [Fact]
    public async Task Refuse_more_than_32_labels_on_a_tenant()
    {
        var slug = TestSlugs.New("lbl");
        using var created = await Client.CreateAsync(slug, "Label Ltd");
        await Client.LabelOkAsync(slug, Enumerable.Range(0, 32).ToDictionary(i => $"k{i}", i => (string?)"v"));

        using var response = await Client.PatchLabelsAsync(slug, new Dictionary<string, string?> { ["one-more"] = "v" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 32 labels", Assert.Single((await Problem.ReadAsync(response)).Errors!["labels"]), StringComparison.Ordinal);
        Assert.Equal(32, (await Client.GetAsync(slug))!.Labels.Count);
    }

    [Fact]
    public async Task Keep_the_labels_given_at_onboarding()
    {
        var slug = TestSlugs.New("lbl");

        using var response = await Client.CreateAsync(slug, "Label Ltd", new Dictionary<string, string?> { ["plan"] = "free", ["region"] = "eu" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "free", ["region"] = "eu" }, body!.Labels);
        Assert.Equal(body.Labels, (await Client.GetAsync(slug))!.Labels);
    }

    [Fact]
    public async Task Refuse_onboarding_with_a_bad_label_and_register_nothing()
    {
        var slug = TestSlugs.New("lbl");

        using var response = await Client.CreateAsync(slug, "Label Ltd", new Dictionary<string, string?> { ["plan"] = "free!" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("labels.plan", (await Problem.ReadAsync(response)).Errors!.Keys);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug));
    }

    [Fact]
    public async Task List_only_the_tenants_every_label_filter_matches()
    {
        var suite = TestSlugs.New("s").Replace('_', '-');
        var free = TestSlugs.New("lbl");
        var freeUs = TestSlugs.New("lbl");
        var paid = TestSlugs.New("lbl");
        foreach (var (slug, plan, region) in new[] { (free, "free", "eu"), (freeUs, "free", "us"), (paid, "enterprise", "eu") })
        {
            using var created = await Client.CreateAsync(slug, "Label Ltd", new Dictionary<string, string?> { ["suite"] = suite, ["plan"] = plan, ["region"] = region });
        }

        var freeOnes = await ListAsync($"label=suite={suite}&label=plan=free");
        var freeEu = await ListAsync($"label=suite={suite},plan=free,region=eu");
        var notFree = await ListAsync($"label=suite={suite}&label=plan!=free");
        var inSet = await ListAsync($"label=suite={suite},region in (us,uk)");

        Assert.Equal(new[] { free, freeUs }.Order(StringComparer.Ordinal), freeOnes.Items.Select(t => t.Slug));
        Assert.Equal([free], freeEu.Items.Select(t => t.Slug));
        Assert.Equal([paid], notFree.Items.Select(t => t.Slug));
        Assert.Equal("enterprise", notFree.Items[0].Labels["plan"]);
        Assert.Equal([freeUs], inSet.Items.Select(t => t.Slug));
    }

    [Fact]
    public async Task Refuse_a_listing_filter_that_is_not_a_selector_naming_label()
    {
        using var response = await Client.Http.GetAsync("/v1/tenants?label=plan%20in%20(free");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a label selector", Assert.Single((await Problem.ReadAsync(response)).Errors!["label"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_a_label_change_in_the_audit_log_with_what_changed()
    {
        var slug = TestSlugs.New("lbl");
        using var created = await Client.CreateAsync(slug, "Label Ltd");

        await Client.LabelOkAsync(slug, new Dictionary<string, string?> { ["region"] = null, ["plan"] = "pro" });
        var page = (await Client.Http.GetFromJsonAsync<AuditListResponse>($"/v1/audit?tenant={slug}", TenantsClient.Json))!;

        var entry = Assert.Single(page.Items, e => e.Action == "tenant.label");
        Assert.Equal(200, entry.Status);
        Assert.Equal("plan=pro, region-", entry.Detail);
    }

    private async Task<TenantListResponse> ListAsync(string query) =>
        (await Client.Http.GetFromJsonAsync<TenantListResponse>($"/v1/tenants?{query}", TenantsClient.Json))!;
}
