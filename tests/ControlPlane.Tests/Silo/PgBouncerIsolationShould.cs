using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Silo;

/// <summary>
/// Tenant pools behind a transaction-mode pooler, where client sessions share server connections. With one role per
/// tenant the pooler keeps separate server connections per tenant and nothing leaks; the control with one shared role
/// and a per-request <c>SET search_path</c> (the seeds' design) shows the same pooler handing one client's session
/// state to another, so the test would notice if tenants were sharing server connections.
/// </summary>
public sealed class PgBouncerIsolationShould : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task KeepTwoTenantsApartOnSharedServerConnectionsWhereASharedRoleWithSetSearchPathLeaks()
    {
        var (a, b) = (TestSlugs.New("pgb_a"), TestSlugs.New("pgb_b"));
        var shared = TestSlugs.New("pgb_shared");
        var port = LoopbackPort.Free();
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["ControlPlane:Tenants:PoolerHost"] = "127.0.0.1",
            ["ControlPlane:Tenants:PoolerPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ControlPlane:Tenants:PoolSize"] = "4",
        });
        using var admin = silo.CreateAdminClient();
        await Task.WhenAll(admin.OnboardAsync(a), admin.OnboardAsync(b));
        var passwords = silo.Service<TenantRolePasswords>();
        await _database.ExecuteAsync($"""
            CREATE ROLE {shared} LOGIN PASSWORD 'shared-pw';
            GRANT USAGE ON SCHEMA tenant_{a}, tenant_{b} TO {shared};
            GRANT SELECT ON ALL TABLES IN SCHEMA tenant_{a} TO {shared};
            GRANT SELECT ON ALL TABLES IN SCHEMA tenant_{b} TO {shared};
            """);
        await using var bouncer = await PgBouncer.StartAsync(_database.ConnectionString, port, poolSize: 1, new Dictionary<string, string>
        {
            [$"tenant_{a}"] = passwords.For($"tenant_{a}"),
            [$"tenant_{b}"] = passwords.For($"tenant_{b}"),
            [shared] = "shared-pw",
        });
        using var httpA = TenantTokens.ClientFor(silo, a);
        using var httpB = TenantTokens.ClientFor(silo, b);
        for (var i = 0; i < 3; i++)
        {
            (await httpA.PostAsJsonAsync("/v1/me/components", new { name = $"{a}-row-{i}" })).EnsureSuccessStatusCode();
            (await httpB.PostAsJsonAsync("/v1/me/components", new { name = $"{b}-row-{i}" })).EnsureSuccessStatusCode();
        }

        // The silo's tenant requests, A and B interleaved and concurrent, all through the pooler.
        var seen = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var (slug, http) = i % 2 == 0 ? (a, httpA) : (b, httpB);
            var page = await http.GetFromJsonAsync<TenantRowListResponse>("/v1/me/components", TenantsClient.Json);
            return (slug, names: page!.Items.Select(r => r["name"]!.ToString()!).ToList());
        }));

        // Four client connections of A's own pool at once, on the pooler's single server connection for A's role.
        await using var poolA = silo.Service<TenantPoolFactory>().Create(TenantSlug.Parse(a));
        var clientsA = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => poolA.OpenAsync(CancellationToken.None)));
        var backendsA = new List<(int Pid, string User, string Path)>();
        foreach (var client in clientsA)
        {
            backendsA.Add(await WhoAsync(client.Connection));
        }

        foreach (var client in clientsA)
        {
            await client.DisposeAsync();
        }

        // The control: one role for both tenants, SET search_path per request, through the same pooler.
        await using var sharedSource = NpgsqlDataSource.Create(bouncer.ConnectionString(_database.Name, shared, "shared-pw"));
        await using var requestForA = await sharedSource.OpenConnectionAsync();
        await using var requestForB = await sharedSource.OpenConnectionAsync();
        await using (var setPath = new NpgsqlCommand($"SET search_path TO tenant_{a}", requestForA))
        {
            await setPath.ExecuteNonQueryAsync();
        }

        var leaked = await NamesAsync(requestForB);
        var leakedPath = await WhoAsync(requestForB);

        Assert.All(seen, s => Assert.True(
            s.names.Count == 3 && s.names.All(n => n.StartsWith(s.slug + "-row-", StringComparison.Ordinal)),
            $"tenant {s.slug} through the pooler saw [{string.Join(", ", s.names)}]"));
        Assert.Single(backendsA.Select(x => x.Pid).Distinct());
        Assert.All(backendsA, x => Assert.Equal(($"tenant_{a}", $"tenant_{a}"), (x.User, x.Path)));
        Assert.Equal($"tenant_{a}", leakedPath.Path);
        Assert.Equal([$"{a}-row-0", $"{a}-row-1", $"{a}-row-2"], leaked);
    }

    private static async Task<(int Pid, string User, string Path)> WhoAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid(), current_user::text, current_setting('search_path')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
    }

    private static async Task<List<string>> NamesAsync(NpgsqlConnection connection)
    {
        var names = new List<string>();
        await using var command = new NpgsqlCommand("SELECT name FROM components ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
