using System.Text.Json;
using ControlPlane.Api.Stats;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Dashboard;

/// <summary>
/// The status page in a real headless Chromium over 20,000 registered tenants (rows written straight into the
/// registry, see <see cref="RegisteredFleet"/>): totals, charts, paging and search as an operator sees them.
/// Its screenshot is kept as <c>artifacts/test-results/dashboard-20000.png</c>.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class DashboardAtScaleShould
{
    private const int Tenants = 20_000;
    private const int PageSize = 50;

    public static string Screenshot => Path.Combine(RepositoryRoot.Path, "artifacts", "test-results", "dashboard-20000.png");

    [Fact]
    public async Task Show_20000_tenants_paged_searched_and_charted_by_the_server_in_a_real_browser()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "dashboard-fleet-silo");
        var fleet = new RegisteredFleet("fleet", Tenants);
        await fleet.RegisterAsync(database.ConnectionString);
        var rolloutSlugs = fleet.Numbers.Where(i => RegisteredFleet.Version(i) == 2).Take(1000).Select(fleet.Slug).ToList();
        await RegisteredRollout.InsertPausedAsync(database.ConnectionString, "fleet-rollout", rolloutSlugs, finished: 300, seconds: 300, targetVersion: 3);
        // Hooli is every tenth name: "hooli holding 1234" is tenant 1234 and tenant 12344 only.
        const string search = "hooli holding 1234";
        var expectSearch = fleet.Numbers.Where(i => fleet.Slug(i).Contains(search, StringComparison.OrdinalIgnoreCase) || RegisteredFleet.DisplayName(i).Contains(search, StringComparison.OrdinalIgnoreCase)).Select(fleet.Slug).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Screenshot)!);
        File.Delete(Screenshot);

        var (exitCode, output) = await BrowserScript.RunAsync(
            "dashboard-fleet.mjs",
            TimeSpan.FromMinutes(4),
            "--url", $"http://127.0.0.1:{silo.Port}",
            "--key", SiloProcess.AdminKey,
            "--total", Tenants.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--pages", "4",
            "--search", search,
            "--expect-search", JsonSerializer.Serialize(expectSearch),
            "--screenshot", Screenshot);

        Assert.True(exitCode == 0, $"The browser script failed ({exitCode}):\n{output}\nSilo log:\n{silo.Log}");
        var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]).RootElement;
        Assert.Equal($"({Tenants} in all)", result.GetProperty("total").GetString());
        Assert.Equal(fleet.Numbers.Take(PageSize).Select(fleet.Slug), Strings(result.GetProperty("firstPage")));
        Assert.Equal("page 4 of 400", result.GetProperty("pageNumber").GetString());
        Assert.Equal(fleet.Numbers.Skip(3 * PageSize).Take(PageSize).Select(fleet.Slug), Strings(result.GetProperty("laterPage")));
        Assert.Equal(["fleet01234", "fleet12344"], expectSearch);
        Assert.Equal(expectSearch, Strings(result.GetProperty("searched")));
        Assert.Equal($"1-2 of 2 matching ({Tenants} in all)", result.GetProperty("searchNote").GetString());
        Assert.Equal("page 1 of 1", result.GetProperty("searchPage").GetString());

        var states = Bars(result.GetProperty("states"));
        foreach (var state in new[] { "Active", "Failed", "Suspended", "Requested", "Deleted" })
        {
            Assert.Equal(fleet.Numbers.Count(i => RegisteredFleet.State(i) == state), states[state]);
        }

        Assert.Equal(
            new Dictionary<string, double> { ["v2"] = fleet.Numbers.Count(i => RegisteredFleet.Version(i) == 2), ["v3"] = fleet.Numbers.Count(i => RegisteredFleet.Version(i) == 3) },
            Bars(result.GetProperty("versions")));
        var latencies = fleet.Numbers.Where(RegisteredFleet.ReachedActive).Select(RegisteredFleet.OnboardingMs).Order().ToList();
        var edges = ControlPlane.Registry.Contracts.Stats.OnboardingLatencies.EdgesMs;
        Assert.Equal(
            edges.Select((from, i) => (double)latencies.Count(ms => ms >= from && (i + 1 == edges.Count || ms < edges[i + 1]))),
            Bars(result.GetProperty("onboarding")).Values);
        Assert.StartsWith($"{latencies.Count} tenants became Active in the last hour", result.GetProperty("onboardingSummary").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Rollout fleet-rollout: 300 of 1000 finished, ", result.GetProperty("pace").GetString(), StringComparison.Ordinal);
        Assert.Contains("ETA", result.GetProperty("pace").GetString(), StringComparison.Ordinal);
        Assert.True(result.GetProperty("paceBars").GetInt32() > 1, "The pace chart draws a bar per bucket");
        var png = await File.ReadAllBytesAsync(Screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    // Labels in drawing order (a Dictionary keeps insertion order while nothing is removed).
    private static Dictionary<string, double> Bars(JsonElement array) =>
        array.EnumerateArray().ToDictionary(b => b[0].GetString()!, b => b[1].GetDouble());
}
