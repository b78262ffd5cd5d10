using ControlPlane.Grains.Database;
using Npgsql;

namespace ControlPlane.Tests.Harness;

/// <summary>Schemas as a test builds and compares them: the model applied by hand, sample rows, per-table checksums.</summary>
public static class TenantSchemas
{
    /// <summary>Creates <paramref name="schema"/> with the example model's versions 1..<paramref name="upTo"/>, as another tool would have.</summary>
    public static async Task CreateFromModelAsync(TestDatabase database, string schema, int upTo = int.MaxValue, string? then = null)
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations"), "V*.sql").Order(StringComparer.Ordinal)
            .Where(f => int.Parse(Path.GetFileName(f)[1..5], System.Globalization.CultureInfo.InvariantCulture) <= upTo);
        var sql = $"CREATE SCHEMA {PgIdentifier.Quote(schema)}; SET search_path TO {PgIdentifier.Quote(schema)};\n"
            + string.Join("\n", files.Select(File.ReadAllText)) + "\n" + (then ?? string.Empty);
        await database.ExecuteAsync(sql);
    }

    /// <summary>
    /// Rows in every table of the full model (teams, users, components, tags...), with gaps in the ids; the reference
    /// rows only when <paramref name="seeded"/> is false (a tenant's seed has them already).
    /// </summary>
    public static string SampleRows(string schema, bool seeded, int users = 40) => $""""
        SET search_path TO {PgIdentifier.Quote(schema)};
        {(seeded ? string.Empty : """
            INSERT INTO cloud_providers (code, name) VALUES ('aws', 'AWS'), ('gcp', 'GCP');
            INSERT INTO registry_providers (code, name) VALUES ('dockerhub', 'DockerHub');
            INSERT INTO service_types (code, name) VALUES ('api', 'API'), ('worker', 'Worker');
            """)}
        INSERT INTO teams (name, description) SELECT 'team ' || g, 'd' || g FROM generate_series(1, 5) g;
        INSERT INTO users (email, name, team_id) SELECT 'u' || g || '@example.com', 'user ' || g, 1 + g % 5 FROM generate_series(1, {users}) g;
        DELETE FROM users WHERE id % 7 = 0;
        INSERT INTO environments (name, cloud_provider_id) VALUES ('prod', 1), ('dev', 2);
        INSERT INTO components (name, team_id, service_type_id, registry_provider_id) VALUES ('billing', 1, 1, 1), ('search', 2, 2, 1);
        INSERT INTO tags (name, color) VALUES ('hot', '#d73a49');
        INSERT INTO component_tags VALUES (1, 1);
        INSERT INTO versions (component_id, environment_id, version) VALUES (1, 1, '1.0.0'), (2, 2, '2.1.0');
        """";

    /// <summary>Each table of <paramref name="schema"/> with its row count and an md5 of all its rows in order.</summary>
    public static async Task<SortedDictionary<string, string>> ChecksumsAsync(TestDatabase database, string schema)
    {
        var tables = await database.QueryAsync<string>("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1", schema);
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            sums[table] = await database.ScalarAsync<string>(
                $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM {PgIdentifier.Quote(schema)}.{PgIdentifier.Quote(table)} t");
        }

        return sums;
    }

    /// <summary>Runs <paramref name="sql"/> as <paramref name="role"/> (SET ROLE from the admin connection) and returns the first column.</summary>
    public static async Task<T> ScalarAsRoleAsync<T>(TestDatabase database, string role, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET ROLE {PgIdentifier.Quote(role)}; {sql}", connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The SQLSTATE <paramref name="sql"/> fails with when run as <paramref name="role"/>.</summary>
    public static async Task<string> SqlStateAsRoleAsync(TestDatabase database, string role, string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsRoleAsync<object>(database, role, sql));
        return error.SqlState;
    }
}
