using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Pooled;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Pooled;

/// <summary>Suspend, resume and delete of pooled tenants, and what is refused for them (docs/tiers.md).</summary>
public sealed class PooledOperationsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private string PooledSchema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task Refuse_a_suspended_pooled_tenants_data_in_the_api_and_in_postgresql_and_serve_it_again_after_resume()
    {
        var slug = TestSlugs.New("pool_susp");
        await fixture.Client.OnboardPooledAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        (await http.PostAsJsonAsync("/v1/me/components", new { name = "billing" })).EnsureSuccessStatusCode();
        var before = await AsDataRoleAsync(slug);

        using var suspend = await fixture.Client.PostActionAsync(slug, "suspend");
        using var read = await http.GetAsync("/v1/me/components");
        using var write = await http.PostAsJsonAsync("/v1/me/components", new { name = "while-suspended" });
        var flagged = await fixture.Database.ScalarAsync<bool>($"SELECT suspended FROM {PooledSchema}.tenants WHERE tenant_id = $1", slug);
        var whileSuspended = await AsDataRoleAsync(slug);
        var timeline = (await fixture.Client.GetAsync(slug))!.Timeline;

        using var resume = await fixture.Client.PostActionAsync(slug, "resume");
        var afterResume = await http.GetFromJsonAsync<TenantRowListResponse>("/v1/me/components", TenantsClient.Json);
        var after = await AsDataRoleAsync(slug);

        Assert.Equal((1, null), (before.Components, before.WriteRefused));
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        foreach (var refused in new[] { read, write })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Tenant suspended", (await Problem.ReadAsync(refused)).Title);
        }

        Assert.True(flagged);
        Assert.Equal(0, whileSuspended.Components);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, whileSuspended.WriteRefused);
        Assert.Contains(timeline, e => e.To == TenantStatus.Suspended && e.Detail?.Contains("flagged suspended", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Equal(["billing"], afterResume!.Items.Select(r => r["name"]!.ToString()));
        Assert.Equal((1, null), (after.Components, after.WriteRefused));
        Assert.False(await fixture.Database.ScalarAsync<bool>($"SELECT suspended FROM {PooledSchema}.tenants WHERE tenant_id = $1", slug));
    }

    [Fact]
    public async Task Delete_a_pooled_tenants_rows_from_every_pooled_table_in_batches_and_its_control_row_leaving_another_tenants_untouched()
    {
        var (gone, kept) = (TestSlugs.New("pool_del"), TestSlugs.New("pool_keep"));
        await Task.WhenAll(fixture.Client.OnboardPooledAsync(gone), fixture.Client.OnboardPooledAsync(kept));
        foreach (var slug in new[] { gone, kept })
        {
            using var http = TenantTokens.ClientFor(fixture.Silo, slug);
            (await http.PostAsJsonAsync("/v1/me/components", new { name = "billing" })).EnsureSuccessStatusCode();
        }

        // More rows than one delete statement removes, so the delete has to go round in batches.
        await fixture.Database.ExecuteAsync(
            $"INSERT INTO {PooledSchema}.components (tenant_id, name) SELECT '{gone}', 'bulk-' || i FROM generate_series(1, {PooledRows.DeleteBatch + 7}) i");
        var tables = await fixture.Database.QueryAsync<string>(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1",
            PooledSchema);
        var keptBefore = await RowsPerTableAsync(tables, kept);
        var goneBefore = await RowsPerTableAsync(tables, gone);

        using var deleted = await fixture.Client.Http.DeleteAsync($"/v1/tenants/{gone}?retainFor=0");
        var tenant = await fixture.Client.WaitForStateAsync(gone, TenantStatus.Deleted);
        var goneAfter = await RowsPerTableAsync(tables, gone);
        var keptAfter = await RowsPerTableAsync(tables, kept);
        var controlRows = await fixture.Database.QueryAsync<string>($"SELECT tenant_id FROM {PooledSchema}.tenants WHERE tenant_id = ANY($1)", (object)new[] { gone, kept });
        using var keptHttp = TenantTokens.ClientFor(fixture.Silo, kept);
        var keptComponents = await keptHttp.GetFromJsonAsync<TenantRowListResponse>("/v1/me/components", TenantsClient.Json);

        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Contains("tenants", tables);
        Assert.True(goneBefore["components"] > PooledRows.DeleteBatch);
        Assert.All(goneAfter, t => Assert.Equal(0, t.Value));
        Assert.Equal(keptBefore, keptAfter);
        Assert.True(keptAfter.Values.Sum() > 1);
        Assert.Equal([kept], controlRows);
        Assert.Contains(tenant.Timeline, e => e.To == TenantStatus.Deleted && e.Detail?.StartsWith($"{goneBefore.Values.Sum() - 1} row(s) removed from pooled schema", StringComparison.Ordinal) == true);
        Assert.Equal(["billing"], keptComponents!.Items.Select(r => r["name"]!.ToString()));
    }

    [Fact]
    public async Task Refuse_backups_restores_clones_and_a_retention_period_for_a_pooled_tenant_with_409_naming_the_move_and_change_nothing()
    {
        var slug = TestSlugs.New("pool_refuse");
        await fixture.Client.OnboardPooledAsync(slug);
        var clone = TestSlugs.New("pool_clone");

        using var backup = await fixture.Client.Http.PostAsync($"/v1/tenants/{slug}/backups", null);
        using var restore = await fixture.Client.Http.PostAsJsonAsync($"/v1/tenants/{slug}/restore", new { backupId = "bk_anything" });
        using var cloned = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug = clone, displayName = "Clone", cloneFrom = slug });
        using var retained = await fixture.Client.Http.DeleteAsync($"/v1/tenants/{slug}?retainFor=P30D");
        var scheduled = await fixture.Silo.Grains.GetGrain<IBackupScheduleGrain>(0).RunNowAsync();
        var backups = await fixture.Client.Http.GetFromJsonAsync<BackupListResponse>($"/v1/tenants/{slug}/backups", TenantsClient.Json);

        var problems = new List<Problem>();
        foreach (var refused in new[] { backup, restore, cloned, retained })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await Problem.ReadAsync(refused);
            Assert.Contains("pooled tier", problem.Detail, StringComparison.Ordinal);
            Assert.Contains("Move it to the schema tier first", problem.Detail, StringComparison.Ordinal);
            problems.Add(problem);
        }

        Assert.Contains("cloneFrom", problems[2].Errors!.Keys);
        Assert.Contains("retainFor=0", problems[3].Detail, StringComparison.Ordinal);
        Assert.Null(await fixture.Client.GetAsync(clone));
        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
        Assert.False(await fixture.Database.ScalarAsync<bool>($"SELECT suspended FROM {PooledSchema}.tenants WHERE tenant_id = $1", slug));
        Assert.Empty(backups!.Items);
        Assert.True(scheduled >= 0);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_backups WHERE slug = $1", slug));
    }

    [Fact]
    public async Task Check_a_pooled_tenants_connection_through_the_shared_pool_as_the_pooled_data_role()
    {
        var slug = TestSlugs.New("pool_conn");
        await fixture.Client.OnboardPooledAsync(slug);

        var check = await fixture.Client.Http.GetFromJsonAsync<TenantConnectionCheck>($"/v1/tenants/{slug}/connection", TenantsClient.Json);

        Assert.Equal($"{PooledSchema}_data", check!.User);
        Assert.Equal([PooledSchema], check.SearchPath);
    }

    /// <summary>As the pooled data role with the tenant's context set: the components it sees, and the SQLSTATE its insert is refused with (null when it went in).</summary>
    private async Task<(long Components, string? WriteRefused)> AsDataRoleAsync(string slug)
    {
        await using var connection = await fixture.Silo.Service<PooledDataSource>().OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("SELECT set_config('controlplane.tenant_id', $1, true)", connection, transaction))
        {
            context.Parameters.Add(new() { Value = slug });
            await context.ExecuteNonQueryAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM components", connection, transaction);
        var components = (long)(await count.ExecuteScalarAsync())!;
        try
        {
            await using var insert = new NpgsqlCommand("INSERT INTO components (name) VALUES ('from-sql')", connection, transaction);
            await insert.ExecuteNonQueryAsync();
            return (components, null);
        }
        catch (PostgresException ex)
        {
            return (components, ex.SqlState);
        }
        finally
        {
            // Nothing of the probe is kept: the tenant's rows are what the API wrote.
            await transaction.RollbackAsync();
        }
    }

    private async Task<Dictionary<string, long>> RowsPerTableAsync(IEnumerable<string> tables, string slug)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            rows[table] = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {PooledSchema}.\"{table}\" WHERE tenant_id = $1", slug);
        }

        return rows;
    }
}
