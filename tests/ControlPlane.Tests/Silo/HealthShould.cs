using System.Net;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Silo;

public sealed class HealthShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task ReportLiveAndReadyWithoutCredentials()
    {
        using var http = fixture.Silo.CreateClient();

        using var live = await http.GetAsync("/health/live");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReportNotReadyWhenTheRegistryIsBehindThisBuild()
    {
        using var http = fixture.Silo.CreateClient();
        var current = await fixture.Database.ScalarAsync<int>("SELECT max(version) FROM controlplane.schema_version");
        await fixture.Database.ExecuteAsync($"DELETE FROM controlplane.schema_version WHERE version = {current}");
        try
        {
            using var ready = await http.GetAsync("/health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"INSERT INTO controlplane.schema_version (version, description) VALUES ({current}, 'restored by test')");
        }
    }
}
