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

    [Fact]
    public async Task ReportNotReadyButLiveWhileTheRegistryIsUnreachableAndReadyAgainAfter()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = new SiloFactory(database.ConnectionString);
        using var http = silo.CreateClient();
        using (var before = await http.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await SetConnectionsAllowedAsync(database.Name, false);
        try
        {
            using var ready = await http.GetAsync("/health/ready");
            using var live = await http.GetAsync("/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await SetConnectionsAllowedAsync(database.Name, true);
        }

        await Eventually.ReadsAsync(
            async () =>
            {
                using var again = await http.GetAsync("/health/ready");
                return again.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            "/health/ready to answer 200 after the registry came back",
            status => $"{(int)status} {status}",
            TimeSpan.FromSeconds(30),
            every: TimeSpan.FromMilliseconds(200));
    }

    // Refusing new connections and ending the silo's sessions makes the registry unreachable for this database only.
    private static async Task SetConnectionsAllowedAsync(string database, bool allowed)
    {
        await using var admin = new Npgsql.NpgsqlConnection(await TestPostgres.ConnectionStringAsync("postgres"));
        await admin.OpenAsync();
        await using var alter = new Npgsql.NpgsqlCommand($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", admin);
        await alter.ExecuteNonQueryAsync();
        if (!allowed)
        {
            await using var terminate = new Npgsql.NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", admin);
            terminate.Parameters.Add(new Npgsql.NpgsqlParameter { Value = database });
            await terminate.ExecuteScalarAsync();
        }
    }
}
