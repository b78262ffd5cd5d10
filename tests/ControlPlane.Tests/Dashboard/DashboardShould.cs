using System.Net;
using System.Text.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Dashboard;

/// <summary>The status page in a real headless Chromium against a silo process on loopback; it runs alone because it is heavy.</summary>
[Collection(ProcessTests.Name)]
public sealed class DashboardShould
{
    [Fact]
    public async Task ShowFreshTenantsBecomingActiveAndARolloutsProgressInARealBrowser()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var migrations = new MigrationFolder();
        await using var silo = await SiloProcess.StartAsync(
            database.ConnectionString, "dashboard-silo", new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = migrations.Path });
        var screenshot = Path.Combine(RepositoryRoot.Path, "artifacts", "dashboard", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var prefix = TestSlugs.New("dash");

        var (exitCode, output) = await BrowserScript.RunAsync(
            "dashboard.mjs",
            TimeSpan.FromMinutes(4),
            "--url", $"http://127.0.0.1:{silo.Port}",
            "--key", SiloProcess.AdminKey,
            "--migrations", migrations.Path,
            "--prefix", prefix,
            "--screenshot", screenshot);

        Assert.True(exitCode == 0, $"The browser script failed ({exitCode}):\n{output}\nSilo log:\n{silo.Log}");
        Assert.Contains("STEP the page asks for an API key", output, StringComparison.Ordinal);
        Assert.Contains("STEP a display name holding markup is shown as text", output, StringComparison.Ordinal);
        Assert.Contains("STEP search and state filter narrow the table", output, StringComparison.Ordinal);
        var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]).RootElement;
        Assert.Equal("3", result.GetProperty("activeCount").GetString());
        Assert.StartsWith("3 / 3 tenants done: 3 succeeded, 0 failed", result.GetProperty("progress").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [["canary", "1", "0", "0", "1", "0", "0"], ["rest", "2", "0", "0", "2", "0", "0"]],
            result.GetProperty("waves").EnumerateArray().Select(w => w.EnumerateArray().Select(c => c.GetString()!).ToArray()).ToArray());
        Assert.Equal($"Timeline of {prefix}_2 (Active, version 3)", result.GetProperty("timelineTitle").GetString());
        Assert.Contains("dashboard-silo", result.GetProperty("cluster").GetString(), StringComparison.Ordinal);
        Assert.Contains("Active", result.GetProperty("cluster").GetString(), StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 20_000, $"The screenshot {screenshot} is only {png.Length} bytes");
    }

    [Fact]
    public async Task BeServedWithoutCredentialsUnderAPolicyThatAllowsOnlyItsOwnScripts()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = new SiloFactory(database.ConnectionString);
        using var http = silo.CreateClient(new() { AllowAutoRedirect = false });

        using var root = await http.GetAsync("/");
        using var page = await http.GetAsync("/dashboard");
        using var script = await http.GetAsync("/dashboard/dashboard.js");
        using var other = await http.GetAsync("/dashboard/appsettings.json");

        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/dashboard", root.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>ControlPlane status</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("innerHTML", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
