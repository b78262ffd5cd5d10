using Npgsql;

namespace ControlPlane.Tests.Harness;

/// <summary>A database of its own for one test class: its registry and tenants cannot meet another class's.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Admin connection string of this database (what the silo is given).</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var name = "cp_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(await TestPostgres.ConnectionStringAsync("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(name, await TestPostgres.ConnectionStringAsync(name));
    }

    /// <summary>Runs a query with the admin connection and returns the first column of each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add(reader.GetFieldValue<T>(0));
        }

        return results;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters) => (await QueryAsync<T>(sql, parameters)).Single();

    /// <summary>How many transactions wrote the tenant's registry row and timeline as they are now (rows a transaction wrote share its xmin).</summary>
    public Task<long> TransactionsThatWroteTenantAsync(string slug) => ScalarAsync<long>(
        "SELECT count(DISTINCT xmin::text) FROM (SELECT xmin FROM controlplane.tenants WHERE slug = $1 UNION ALL SELECT xmin FROM controlplane.tenant_events WHERE slug = $1) w", slug);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(await TestPostgres.ConnectionStringAsync("postgres"));
        await admin.OpenAsync();
        // Dropping a database whose schemas hundreds of tenants filled waits for a checkpoint and unlinks every file:
        // on a loaded machine that outlasted Npgsql's default 30 s after the test itself had passed.
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin) { CommandTimeout = 300 })
        {
            await drop.ExecuteNonQueryAsync();
        }

        // Tenant roles are cluster-wide and outlive the database: drop the ones this database's control plane made,
        // so a shared server (CONTROLPLANE_TEST_PG) does not collect them run after run.
        await using var roles = new NpgsqlCommand(
            $$"""
            DO $do$
            DECLARE r record;
            BEGIN
                FOR r IN SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE 'controlplane tenant role: database={{Name}} %' LOOP
                    EXECUTE format('DROP ROLE %I', r.rolname);
                END LOOP;
            END $do$
            """,
            admin);
        await roles.ExecuteNonQueryAsync();
    }
}
