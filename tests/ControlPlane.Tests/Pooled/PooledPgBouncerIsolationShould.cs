using System.Globalization;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Pooled;

/// <summary>
/// Pooled tenants behind PgBouncer in transaction mode, where every pooled tenant shares the data role and so the same
/// server connections (seed 002's risk: "pooling misses session vars"). The context is set inside each transaction and
/// never outlives it, so nothing of one tenant's request reaches the next transaction on that server connection.
/// </summary>
public sealed class PooledPgBouncerIsolationShould : IAsyncLifetime
{
    private const int Tenants = 6;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Keep_many_pooled_tenants_apart_on_one_shared_server_connection_and_leave_no_context_behind()
    {
        var schema = TestPooledSchema.For(_database.ConnectionString);
        var role = PooledNames.DataRole(schema);
        var port = LoopbackPort.Free();
        await using var silo = new SiloFactory(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["ControlPlane:Tenants:PoolerHost"] = "127.0.0.1",
            ["ControlPlane:Tenants:PoolerPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Pooled:PoolSize"] = "4",
        });
        var password = silo.Service<TenantRolePasswords>().For(role);

        // One server connection for the data role: every pooled request of every tenant goes over it, interleaved.
        await using var bouncer = await PgBouncer.StartAsync(_database.ConnectionString, port, poolSize: 1, new Dictionary<string, string> { [role] = password });
        using var admin = silo.CreateAdminClient();
        var slugs = Enumerable.Range(0, Tenants).Select(i => TestSlugs.New($"pgbp{i}")).ToList();
        await Task.WhenAll(slugs.Select(s => admin.OnboardPooledAsync(s)));
        var clients = slugs.ToDictionary(s => s, s => TenantTokens.ClientFor(silo, s));
        try
        {
            // Writes of every tenant at once, then reads interleaved and concurrent.
            var written = await Task.WhenAll(Enumerable.Range(0, Tenants * 3).Select(async i =>
            {
                var slug = slugs[i % Tenants];
                using var response = await clients[slug].PostAsJsonAsync("/v1/me/components", new { name = $"{slug}-row-{i / Tenants}" });
                return (int)response.StatusCode;
            }));
            var seen = await Task.WhenAll(Enumerable.Range(0, Tenants * 8).Select(async i =>
            {
                var slug = slugs[i % Tenants];
                var page = await clients[slug].GetFromJsonAsync<TenantRowListResponse>("/v1/me/components", TenantsClient.Json);
                return (slug, names: page!.Items.Select(r => r["name"]!.ToString()!).ToList());
            }));
            var owners = await _database.QueryAsync<string>($"SELECT DISTINCT tenant_id || ':' || split_part(name, '-row-', 1) FROM {schema}.components");

            // Raw: one transaction sets a tenant's context; the next transaction on the same server connection has none.
            await using var raw = NpgsqlDataSource.Create(bouncer.ConnectionString(_database.Name, role, password));
            await using var first = await raw.OpenConnectionAsync();
            int firstBackend;
            long firstRows;
            await using (var transaction = await first.BeginTransactionAsync())
            {
                await using (var set = new NpgsqlBatch(first, transaction) { BatchCommands = { PooledTenantContext.Set(slugs[0]) } })
                {
                    await set.ExecuteNonQueryAsync();
                }

                (firstBackend, _, firstRows) = await WhoAsync(first, transaction, schema);
                await transaction.CommitAsync();
            }

            await using var second = await raw.OpenConnectionAsync();
            var (secondBackend, secondTenant, secondRows) = await WhoAsync(second, null, schema);

            Assert.All(written, status => Assert.Equal(201, status));
            Assert.All(seen, s => Assert.True(
                s.names.Count == 3 && s.names.All(n => n.StartsWith(s.slug + "-row-", StringComparison.Ordinal)),
                $"tenant {s.slug} through the pooler saw [{string.Join(", ", s.names)}]"));
            Assert.Equal(slugs.Select(s => $"{s}:{s}").Order(StringComparer.Ordinal), owners.Order(StringComparer.Ordinal));
            Assert.Equal(3, firstRows);
            Assert.Equal(firstBackend, secondBackend);
            Assert.Null(secondTenant);
            Assert.Equal(0, secondRows);
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<(int Backend, string? Tenant, long Rows)> WhoAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT pg_backend_pid(), {schema}.current_tenant(), (SELECT count(*) FROM {schema}.components)", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }
}
