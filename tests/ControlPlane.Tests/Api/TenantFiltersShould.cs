using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary>The operator view's listing filters, counts and figures over a real registry of 400 registered tenants.</summary>
public sealed class TenantFiltersShould(TenantFiltersFixture fixture) : IClassFixture<TenantFiltersFixture>
{
    private RegisteredFleet Fleet => fixture.Fleet;

    private HttpClient Http => fixture.Client.Http;

    public static TheoryData<string> Filters => new()
    {
        "state=Failed",
        "version=2",
        "label=plan=pro",
        "q=globex",
        "q=GLOBEX%20holding%201",
        "q=flt0012",
        "state=Active&version=3&label=plan=enterprise&q=hooli",
        "state=Suspended&label=plan!=free",
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task List_exactly_the_tenants_a_filter_selects_page_by_page(string query)
    {
        var expected = Fleet.Numbers.Where(Selects(query)).Select(Fleet.Slug).Order(StringComparer.Ordinal).ToList();

        var listed = await ListAllAsync(query, pageSize: 7);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, listed);
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Count_what_the_listing_lists_by_state_and_by_version(string query)
    {
        var expected = Fleet.Numbers.Where(Selects(query)).ToList();

        var counts = await Http.GetFromJsonAsync<TenantCountsResponse>($"/v1/tenants/stats/counts?{query}", TenantsClient.Json);

        Assert.Equal(expected.Count, counts!.Total);
        Assert.Equal((await ListAllAsync(query, pageSize: 500)).Count, counts.Total);
        foreach (var state in new[] { "Active", "Failed", "Suspended", "Requested", "Deleted" })
        {
            Assert.Equal(expected.Count(i => RegisteredFleet.State(i) == state), counts.ByState[state]);
        }

        Assert.Equal(
            expected.GroupBy(RegisteredFleet.Version).OrderBy(g => g.Key).Select(g => new VersionCountResponse(g.Key, g.Count())),
            counts.ByVersion);
    }

    [Fact]
    public async Task Count_every_tenant_when_no_filter_is_given()
    {
        var counts = await Http.GetFromJsonAsync<TenantCountsResponse>("/v1/tenants/stats/counts", TenantsClient.Json);

        // The fleet and the one tenant named with wildcards.
        Assert.Equal(Fleet.Count + 1, counts!.Total);
        Assert.Equal(Fleet.Numbers.Count(i => RegisteredFleet.State(i) == "Active") + 1, counts.ByState["Active"]);
    }

    [Theory]
    [InlineData("%", "wild_card")]
    [InlineData("p_t", "wild_card")]
    [InlineData("0% up", "wild_card")]
    public async Task Take_search_text_as_text_not_as_a_pattern(string q, string only)
    {
        var listed = await ListAllAsync($"q={Uri.EscapeDataString(q)}", pageSize: 50);

        Assert.Equal([only], listed);
    }

    [Theory]
    [InlineData("/v1/tenants?version=-1", "version")]
    [InlineData("/v1/tenants/stats/counts?state=Sleeping", "state")]
    [InlineData("/v1/tenants/stats/counts?label=Plan=x", "label")]
    [InlineData("/v1/tenants/stats/onboarding?window=an%20hour", "window")]
    [InlineData("/v1/tenants/stats/onboarding?window=P30D", "window")]
    public async Task Refuse_a_bad_filter_naming_the_field(string path, string field)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await Problem.ReadAsync(response)).Errors!.Keys);
    }

    [Fact]
    public async Task Refuse_a_search_text_longer_than_the_limit()
    {
        using var response = await Http.GetAsync($"/v1/tenants?q={new string('a', 101)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q", (await Problem.ReadAsync(response)).Errors!.Keys);
    }

    [Fact]
    public async Task Show_onboarding_latency_of_the_last_hour_as_a_histogram_from_registration_to_first_activation()
    {
        var expected = Fleet.Numbers.Where(RegisteredFleet.ReachedActive).Select(RegisteredFleet.OnboardingMs).Order().ToList();

        var latency = await Http.GetFromJsonAsync<OnboardingLatencyResponse>("/v1/tenants/stats/onboarding?window=PT1H", TenantsClient.Json);

        Assert.Equal("PT1H", latency!.Window);
        Assert.Equal(expected.Count, latency.Count);
        Assert.Equal(expected.Count, latency.Buckets.Sum(b => b.Count));
        Assert.Equal(expected.Count(ms => ms < 5), latency.Buckets.Single(b => b.FromMs == 0).Count);
        Assert.Equal(expected.Count(ms => ms is >= 1000 and < 2000), latency.Buckets.Single(b => b.FromMs == 1000).Count);
        Assert.Equal(expected[^1], latency.MaxMs!.Value, precision: 1);
        Assert.Equal(expected[(int)Math.Ceiling(0.95 * expected.Count) - 1], latency.P95Ms!.Value, precision: 1);
    }

    [Fact]
    public async Task Show_no_onboarding_in_a_window_before_the_fleet_was_registered()
    {
        var latency = await Http.GetFromJsonAsync<OnboardingLatencyResponse>("/v1/tenants/stats/onboarding?window=PT1M", TenantsClient.Json);

        Assert.Equal(0, latency!.Count);
        Assert.Null(latency.P50Ms);
    }

    [Fact]
    public async Task Show_a_rollouts_tenants_per_second_and_an_eta_from_its_outcomes()
    {
        // 60 tenants finished one a second over the last minute; the rest pending.
        await RegisteredRollout.InsertPausedAsync(fixture.Database.ConnectionString, TenantFiltersFixture.RolloutId, fixture.RolloutSlugs, finished: 60, seconds: 60, targetVersion: 3);

        var pace = await Http.GetFromJsonAsync<RolloutThroughputResponse>($"/v1/rollouts/{TenantFiltersFixture.RolloutId}/throughput", TenantsClient.Json);

        Assert.Equal("Paused", pace!.State);
        Assert.Equal(fixture.RolloutSlugs.Count, pace.Total);
        Assert.Equal(60, pace.Finished);
        Assert.Equal(fixture.RolloutSlugs.Count - 60, pace.Remaining);
        Assert.Equal(60, pace.Points.Sum(p => p.TenantsPerSecond * pace.BucketSeconds), precision: 6);
        // About one tenant a second in the last minute (less if this runs late), so about a second per remaining tenant.
        Assert.InRange(pace.TenantsPerSecond!.Value, 0.5, 2);
        Assert.InRange(pace.EtaSeconds!.Value, pace.Remaining / 2.0, pace.Remaining * 2.0);
    }

    [Fact]
    public async Task Answer_404_for_the_pace_of_a_rollout_that_does_not_exist()
    {
        using var response = await Http.GetAsync("/v1/rollouts/no-such-rollout/throughput");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<List<string>> ListAllAsync(string query, int pageSize)
    {
        var slugs = new List<string>();
        string? after = null;
        do
        {
            var page = await Http.GetFromJsonAsync<TenantListResponse>(
                $"/v1/tenants?{query}&limit={pageSize}" + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}"), TenantsClient.Json);
            slugs.AddRange(page!.Items.Select(t => t.Slug));
            after = page.Next;
        }
        while (after is not null);

        return slugs;
    }

    // The query's meaning over the fleet, spelled out independently of the SQL.
    private Func<int, bool> Selects(string query) => i => query.Split('&').All(part =>
    {
        var (name, value) = (part[..part.IndexOf('=', StringComparison.Ordinal)], Uri.UnescapeDataString(part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..]));
        return name switch
        {
            "state" => RegisteredFleet.State(i) == value,
            "version" => RegisteredFleet.Version(i) == int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            "label" when value.StartsWith("plan!=", StringComparison.Ordinal) => RegisteredFleet.Plan(i) != value["plan!=".Length..],
            "label" => RegisteredFleet.Plan(i) == value["plan=".Length..],
            "q" => Fleet.Slug(i).Contains(value, StringComparison.OrdinalIgnoreCase) || RegisteredFleet.DisplayName(i).Contains(value, StringComparison.OrdinalIgnoreCase),
            _ => throw new ArgumentException(part),
        };
    });
}
