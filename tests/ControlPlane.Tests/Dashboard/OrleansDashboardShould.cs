using System.Net;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Dashboard;

/// <summary>
/// Orleans' dashboard is off unless turned on (its metric collection costs the silo CPU whether or not anyone looks);
/// when on, the silo serves it only to callers with the platform read scope.
/// </summary>
public sealed class OrleansDashboardShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task RefuseOrleansDashboardWithoutAKeyAndServeItWithOneWhenTurnedOn()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = new SiloFactory(database.ConnectionString, new Dictionary<string, string?> { ["ControlPlane:OrleansDashboard:Enabled"] = "true" });
        using var anonymous = silo.CreateClient();
        using var admin = silo.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);

        using var refused = await anonymous.GetAsync("/orleans-dashboard/");
        using var served = await admin.GetAsync("/orleans-dashboard/");
        var page = await served.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("Orleans", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnswerWhyThereIsNoOrleansDashboardWhileItIsOffAsByDefault()
    {
        using var admin = fixture.Silo.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);

        using var page = await admin.GetAsync("/orleans-dashboard/");
        using var api = await admin.GetAsync("/orleans-dashboard/DashboardCounters");
        var problem = await Problem.ReadAsync(page);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Contains("ControlPlane:OrleansDashboard:Enabled = false", problem.Detail, StringComparison.Ordinal);
    }
}
