using System.Text.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Dashboard;

/// <summary>The status page's tier views in a real headless Chromium against a silo process (docs/tiers.md).</summary>
[Collection(ProcessTests.Name)]
public sealed class DashboardTiersShould
{
    [Fact]
    public async Task Show_each_tenants_tier_filter_the_table_by_tier_and_show_a_pooled_tenants_shared_schema_in_its_detail()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, "dashboard-tiers-silo");
        using var client = new TenantsClient(silo.Http, ownsHttp: false);
        var (pooled, own) = (TestSlugs.New("dash_pool"), TestSlugs.New("dash_own"));
        await Task.WhenAll(client.OnboardPooledAsync(pooled), client.OnboardAsync(own));
        var screenshot = Path.Combine(RepositoryRoot.Path, "artifacts", "test-results", "dashboard-tiers.png");

        var (exitCode, output) = await BrowserScript.RunAsync(
            "dashboard-tiers.mjs",
            TimeSpan.FromMinutes(3),
            "--url", $"http://127.0.0.1:{silo.Port}",
            "--key", SiloProcess.AdminKey,
            "--pooled", pooled,
            "--own", own,
            "--screenshot", screenshot);

        Assert.True(exitCode == 0, $"The browser script failed ({exitCode}):\n{output}\nSilo log:\n{silo.Log}");
        var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]).RootElement;
        var schema = TestPooledSchema.For(database.ConnectionString);
        Assert.Equal("Tier", result.GetProperty("tierHeader").GetString());
        Assert.Equal("pooled", result.GetProperty("tiers").GetProperty(pooled).GetString());
        Assert.Equal("schema", result.GetProperty("tiers").GetProperty(own).GetString());
        Assert.Equal([pooled], result.GetProperty("pooledOnly").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("1-1 of 1 matching (2 in all)", result.GetProperty("pooledNote").GetString(), StringComparison.Ordinal);
        Assert.Equal([own], result.GetProperty("schemaOnly").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"pooled tier: schema {schema}, role {schema}_data", result.GetProperty("detail").GetString());
    }
}
