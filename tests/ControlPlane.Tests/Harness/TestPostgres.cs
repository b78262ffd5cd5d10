using ControlPlane.Silo.LocalPostgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// The PostgreSQL server for this test run: the one named by <c>CONTROLPLANE_TEST_PG</c> (an admin connection
/// string), or else the same private server the silo starts, fresh for each run, stopped when the run ends.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "CONTROLPLANE_TEST_PG";

    private static readonly Lazy<Task<Server>> Instance = new(StartAsync);

    /// <summary>An admin connection string for <paramref name="database"/> on the test server.</summary>
    public static async Task<string> ConnectionStringAsync(string database)
    {
        var server = await Instance.Value;
        return new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>The private server, when the run started one (null when using <c>CONTROLPLANE_TEST_PG</c>).</summary>
    public static async Task<PrivatePostgresServer?> PrivateServerAsync() => (await Instance.Value).Private;

    private static async Task<Server> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            return new Server(external, null);
        }

        var server = await PrivatePostgresServer.StartAsync(
            new PrivatePostgresOptions
            {
                DataDirectory = Path.Combine(RepositoryRoot.Path, ".controlplane", "test-postgres"),
                Database = "postgres",
                Fresh = true,
                MaxConnections = 400,
            },
            NullLogger.Instance,
            CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync().GetAwaiter().GetResult();
        return new Server(server.ConnectionStringFor("postgres"), server);
    }

    private sealed record Server(string AdminConnectionString, PrivatePostgresServer? Private);
}
