using ControlPlane.Silo.LocalPostgres;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ControlPlane.Tests.Cluster;

/// <summary>
/// PostgreSQL crashes and comes back under a working cluster. It runs on a server of its own (the shared test server
/// must not restart under other classes) and with the process tests, whose timing it would otherwise disturb.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class PostgresRestartShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private PrivatePostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PrivatePostgresServer.StartAsync(
        new PrivatePostgresOptions
        {
            DataDirectory = Path.Combine(RepositoryRoot.Path, ".controlplane", "test-postgres-restart"),
            Database = "controlplane",
            Fresh = true,
            MaxConnections = 200,
        },
        NullLogger.Instance,
        CancellationToken.None);

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.StopAsync();
        Directory.Delete(_server.DataDirectory, recursive: true);
        _migrations.Dispose();
    }

    [Fact]
    public async Task Finish_every_tenant_exactly_once_after_postgres_restarts_immediately_mid_work()
    {
        // A slow fourth migration keeps tenants mid-way long enough for the crash to land among them.
        _migrations.Write("V0004__slow_marks.sql", "SELECT pg_sleep(0.3); CREATE TABLE marks (id int PRIMARY KEY);");
        var prefix = TestSlugs.New("pgr");
        var slugs = Enumerable.Range(0, 15).Select(i => $"{prefix}_{i:00}").ToArray();
        var silos = Enumerable.Range(0, 3).Select(i => new SiloFactory(_server.ConnectionString, new Dictionary<string, string?>
        {
            ["Orleans:SiloName"] = $"pgr-{i}",
            [_migrations.Setting.Key] = _migrations.Path,
        })).ToList();
        var clients = silos.Select(s => s.CreateAdminClient()).ToList();
        try
        {
            foreach (var response in await Task.WhenAll(slugs.Select((s, i) => clients[i % clients.Count].CreateAsync(s, $"{s} Ltd"))))
            {
                response.Dispose();
            }

            await Eventually.HoldsAsync(async () => await CountAsync("slug LIKE $1 AND state = 'Active'", prefix + "%") >= 2, "two tenants Active before the restart", TimeSpan.FromSeconds(90));
            await _server.RestartImmediateAsync(CancellationToken.None);
            var unfinishedAtRestart = slugs.Length - await CountAsync("slug LIKE $1 AND state = 'Active'", prefix + "%");

            await Eventually.HoldsAsync(
                async () => await CountAsync("slug LIKE $1 AND state = 'Active' AND migration_version = 4", prefix + "%") == slugs.Length,
                "every tenant Active at version 4 after the restart",
                TimeSpan.FromSeconds(150),
                async () => string.Join(", ", await QueryAsync<string>("SELECT slug || ':' || state || ':' || migration_version || ':' || coalesce(last_error, '') FROM controlplane.tenants WHERE slug LIKE $1 AND state <> 'Active'", prefix + "%")));
            await Eventually.HoldsAsync(
                async () => await ScalarAsync<long>("SELECT count(*) FROM orleans.membership WHERE status = 3 AND heartbeat_at > clock_timestamp() - interval '3 seconds'") == silos.Count,
                "all three silos live again");

            Assert.True(unfinishedAtRestart > 0, "the restart landed while tenants were still provisioning");
            foreach (var slug in slugs)
            {
                Assert.Equal([1, 2, 3, 4], await QueryAsync<int>("SELECT version FROM controlplane.tenant_migrations WHERE slug = $1 ORDER BY version", slug));
                Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_events WHERE slug = $1 AND detail LIKE 'applied V0004%'", slug));
                Assert.Equal(1, await ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams"));
                Assert.Equal(0, await ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.marks"));
            }

            Assert.Equal(slugs.Length, await ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", $"tenant_{prefix}%"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private Task<long> CountAsync(string condition, params object[] parameters) =>
        ScalarAsync<long>($"SELECT count(*) FROM controlplane.tenants WHERE {condition}", parameters);

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters) => (await QueryAsync<T>(sql, parameters)).Single();

    private async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        // A fresh connection each time: pooled ones die with the server.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }
}
