using ControlPlane.Grains.Database;
using ControlPlane.Grains.Pooled;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Pooled;

/// <summary>
/// Isolation below the API (docs/tiers.md, "Isolation"): what PostgreSQL itself lets the pooled data role and the
/// pooled schema's owner do, with and without a tenant context, whatever SQL they send.
/// </summary>
public sealed class PooledIsolationInSqlShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string InsufficientPrivilege = "42501";

    private string Schema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task See_no_row_and_write_none_as_the_data_role_without_a_tenant_context()
    {
        var slug = TestSlugs.New("sql_none");
        await fixture.Client.OnboardPooledAsync(slug);
        await using var data = await OpenAsDataRoleAsync();

        var visible = await CountAsync(data, "teams") + await CountAsync(data, "environments") + await CountAsync(data, "tenants");
        var insert = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(data, $"INSERT INTO {Schema}.teams (name) VALUES ('intruder')"));
        var insertNamed = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(data, $"INSERT INTO {Schema}.teams (tenant_id, name) VALUES ($1, 'intruder')", slug));
        var updated = await ExecuteAsync(data, $"UPDATE {Schema}.teams SET description = 'taken over'");
        var deleted = await ExecuteAsync(data, $"DELETE FROM {Schema}.environments");
        var teamsKept = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.teams WHERE tenant_id = $1 AND description IS DISTINCT FROM 'taken over'", slug);
        var environmentsKept = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.environments WHERE tenant_id = $1", slug);

        Assert.Equal(0, visible);
        Assert.Equal(InsufficientPrivilege, insert.SqlState);
        Assert.Contains("row-level security", insert.MessageText, StringComparison.Ordinal);
        Assert.Equal(InsufficientPrivilege, insertNamed.SqlState);
        Assert.Equal(0, updated);
        Assert.Equal(0, deleted);
        Assert.Equal(1, teamsKept);
        Assert.Equal(3, environmentsKept);
    }

    [Fact]
    public async Task Refuse_a_row_carrying_another_tenants_id_under_a_tenants_context()
    {
        var (a, b) = (TestSlugs.New("sql_a"), TestSlugs.New("sql_b"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(a), fixture.Client.OnboardPooledAsync(b));
        await using var data = await OpenAsDataRoleAsync();

        var ownTeams = await InContextAsync(data, a, $"SELECT count(*) FROM {Schema}.teams");
        var otherTeams = await InContextAsync(data, a, $"SELECT count(*) FROM {Schema}.teams WHERE tenant_id = $1", b);
        var insert = await Assert.ThrowsAsync<PostgresException>(() => InContextAsync(data, a, $"INSERT INTO {Schema}.teams (tenant_id, name) VALUES ($1, 'planted')", b));
        var handOver = await Assert.ThrowsAsync<PostgresException>(() => InContextAsync(data, a, $"UPDATE {Schema}.teams SET tenant_id = $1", b));
        var bTeams = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.teams WHERE tenant_id = $1", b);
        var aTeams = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.teams WHERE tenant_id = $1", a);
        var planted = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.teams WHERE name = 'planted'");

        Assert.Equal(1, ownTeams);
        Assert.Equal(0, otherTeams);
        Assert.Equal(InsufficientPrivilege, insert.SqlState);
        Assert.Contains("row-level security", insert.MessageText, StringComparison.Ordinal);
        Assert.Equal(InsufficientPrivilege, handOver.SqlState);
        Assert.Equal(1, bTeams);
        Assert.Equal(1, aTeams);
        Assert.Equal(0, planted);
    }

    [Fact]
    public async Task Show_a_suspended_tenant_nothing_even_with_its_own_context()
    {
        var slug = TestSlugs.New("sql_susp");
        await fixture.Client.OnboardPooledAsync(slug);
        await using var data = await OpenAsDataRoleAsync();
        var before = await InContextAsync(data, slug, $"SELECT count(*) FROM {Schema}.environments");
        var activeBefore = await InContextAsync(data, slug, $"SELECT count(*) FROM (SELECT {Schema}.active_tenant() AS t) x WHERE t = $1", slug);
        var activeWithout = await ScalarAsync<string?>(data, $"SELECT {Schema}.active_tenant()");

        await fixture.Database.ExecuteAsync($"UPDATE {Schema}.tenants SET suspended = true WHERE tenant_id = '{slug}'");
        var after = await InContextAsync(data, slug, $"SELECT count(*) FROM {Schema}.environments");
        var insert = await Assert.ThrowsAsync<PostgresException>(() => InContextAsync(data, slug, $"INSERT INTO {Schema}.teams (name) VALUES ('while suspended')"));
        var kept = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.environments WHERE tenant_id = $1", slug);
        var activeAfter = await InContextAsync(data, slug, $"SELECT count(*) FROM (SELECT {Schema}.active_tenant() AS t) x WHERE t IS NULL");
        var currentAfter = await InContextAsync(data, slug, $"SELECT count(*) FROM (SELECT {Schema}.current_tenant() AS t) x WHERE t = $1", slug);

        Assert.Equal(1, activeBefore);
        Assert.Null(activeWithout);
        Assert.Equal(1, activeAfter);
        Assert.Equal(1, currentAfter);
        Assert.Equal(3, before);
        Assert.Equal(0, after);
        Assert.Equal(InsufficientPrivilege, insert.SqlState);
        Assert.Equal(3, kept);
    }

    [Fact]
    public async Task Hold_for_the_schemas_owner_too_because_row_security_is_forced()
    {
        var slug = TestSlugs.New("sql_owner");
        await fixture.Client.OnboardPooledAsync(slug);
        await using var admin = new NpgsqlConnection(fixture.Database.ConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"SET ROLE {PooledNames.OwnerRole(Schema)}");

        var who = await ScalarAsync<string>(admin, "SELECT current_user::text");
        var withoutContext = await ScalarAsync<long>(admin, $"SELECT count(*) FROM {Schema}.environments");
        var deleted = await ExecuteAsync(admin, $"DELETE FROM {Schema}.environments");
        var withContext = await InContextAsync(admin, slug, $"SELECT count(*) FROM {Schema}.environments");
        var otherTenants = await InContextAsync(admin, slug, $"SELECT count(*) FROM {Schema}.environments WHERE tenant_id <> $1", slug);

        Assert.Equal(PooledNames.OwnerRole(Schema), who);
        Assert.Equal(0, withoutContext);
        Assert.Equal(0, deleted);
        Assert.Equal(3, withContext);
        Assert.Equal(0, otherTenants);
    }

    [Fact]
    public async Task Return_the_tenant_from_current_tenant_only_inside_the_transaction_that_set_it()
    {
        var slug = TestSlugs.New("sql_ctx");
        await fixture.Client.OnboardPooledAsync(slug);

        // The silo's own pool and the context rule's own command, as the data API uses them.
        await using var data = await fixture.Silo.Service<PooledDataSource>().OpenAsync(CancellationToken.None);
        var before = await ScalarAsync<string?>(data, "SELECT current_tenant()");
        string? inside;
        await using (var batch = new NpgsqlBatch(data) { BatchCommands = { PooledTenantContext.Set(slug), new NpgsqlBatchCommand("SELECT current_tenant()") } })
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            await reader.NextResultAsync();
            await reader.ReadAsync();
            inside = reader.IsDBNull(0) ? null : reader.GetString(0);
        }

        var afterBatch = await ScalarAsync<string?>(data, "SELECT current_tenant()");
        string? inTransaction;
        await using (var transaction = await data.BeginTransactionAsync())
        {
            await using (var set = new NpgsqlBatch(data, transaction) { BatchCommands = { PooledTenantContext.Set(slug) } })
            {
                await set.ExecuteNonQueryAsync();
            }

            inTransaction = await ScalarAsync<string?>(data, "SELECT current_tenant()", transaction);
            await transaction.CommitAsync();
        }

        var afterCommit = await ScalarAsync<string?>(data, "SELECT current_tenant()");
        var rowsAfter = await ScalarAsync<long>(data, $"SELECT count(*) FROM {Schema}.environments");

        Assert.Null(before);
        Assert.Equal(slug, inside);
        Assert.Null(afterBatch);
        Assert.Equal(slug, inTransaction);
        Assert.Null(afterCommit);
        Assert.Equal(0, rowsAfter);
    }

    private async Task<NpgsqlConnection> OpenAsDataRoleAsync()
    {
        var role = PooledNames.DataRole(Schema);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString)
        {
            Username = role,
            Password = fixture.Silo.Service<TenantRolePasswords>().For(role),
            Passfile = null,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> CountAsync(NpgsqlConnection connection, string table) => await ScalarAsync<long>(connection, $"SELECT count(*) FROM {Schema}.{table}");

    /// <summary>Runs <paramref name="sql"/> in a transaction of its own with <paramref name="tenant"/>'s context set as the data API sets it.</summary>
    private static async Task<long> InContextAsync(NpgsqlConnection connection, string tenant, string sql, params object[] parameters)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlBatch(connection, transaction) { BatchCommands = { PooledTenantContext.Set(tenant) } })
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        var result = sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)
            : await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return result;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
