using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Tests.Harness;
using ControlPlane.Tests.Rollouts;
using Npgsql;

namespace ControlPlane.Tests.Api;

public sealed class AuditLogShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task RecordEveryTenantActionWithTheKeyThatDidItAndHowItEnded()
    {
        var slug = TestSlugs.New("audit");
        var (keyName, key) = await CreateKeyAsync("platform:admin");
        using var operatorClient = new TenantsClient(KeyClient(key));

        await operatorClient.OnboardAsync(slug);
        using var suspend = await operatorClient.PostActionAsync(slug, "suspend");
        using var resume = await operatorClient.PostActionAsync(slug, "resume");
        using var retry = await operatorClient.PostActionAsync(slug, "retry");
        using var delete = await operatorClient.Http.DeleteAsync($"/v1/tenants/{slug}");
        var page = await ListAsync($"tenant={slug}");

        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(
            [("tenant.delete", 202, "succeeded"), ("tenant.retry", 409, "refused"), ("tenant.resume", 200, "succeeded"), ("tenant.suspend", 200, "succeeded"), ("tenant.onboard", 202, "succeeded")],
            page.Items.Select(e => (e.Action, e.Status, e.Outcome)));
        Assert.All(page.Items, e => Assert.Equal(keyName, e.Actor));
        Assert.All(page.Items, e => Assert.Equal(slug, e.Tenant));
        Assert.Equal(page.Items.OrderByDescending(e => e.At).Select(e => e.Id), page.Items.Select(e => e.Id));
        Assert.All(page.Items, e => Assert.InRange(e.At, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task RecordARefusedActionOfAReadOnlyKeyAndKeysCreatedAndRevoked()
    {
        var slug = TestSlugs.New("auditro");
        await fixture.Client.OnboardAsync(slug);
        var (readerName, readerKey) = await CreateKeyAsync("platform:read");
        using var reader = KeyClient(readerKey);

        using var refused = await reader.PostAsync($"/v1/tenants/{slug}/suspend", null);
        var (tenantKeyName, _) = await CreateKeyAsync($"tenant:{slug}");
        var tenantKeyId = (await fixture.Client.Http.GetFromJsonAsync<ApiKeyListResponse>("/v1/api-keys", TenantsClient.Json))!.Items.Single(k => k.Name == tenantKeyName).Id;
        using var revoked = await fixture.Client.Http.DeleteAsync($"/v1/api-keys/{tenantKeyId}");
        var page = await ListAsync($"tenant={slug}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var suspendAttempt = Assert.Single(page.Items, e => e.Action == "tenant.suspend");
        Assert.Equal((readerName, 403, "refused"), (suspendAttempt.Actor, suspendAttempt.Status, suspendAttempt.Outcome));
        var created = Assert.Single(page.Items, e => e.Action == "api-key.create");
        Assert.Equal(("bootstrap-admin", tenantKeyId.ToString(), $"{tenantKeyName} (tenant:{slug})"), (created.Actor, created.Target, created.Detail));
        var all = await ListAsync("limit=500");
        var revocation = Assert.Single(all.Items, e => e.Action == "api-key.revoke" && e.Target == tenantKeyId.ToString());
        Assert.Equal(204, revocation.Status);
    }

    [Fact]
    public async Task PageNewestFirstWithACursorAndNameABadLimit()
    {
        var slug = TestSlugs.New("auditpage");
        await fixture.Client.OnboardAsync(slug);
        for (var i = 0; i < 2; i++)
        {
            (await fixture.Client.PostActionAsync(slug, "suspend")).Dispose();
            (await fixture.Client.PostActionAsync(slug, "resume")).Dispose();
        }

        var first = await ListAsync($"tenant={slug}&limit=2");
        var second = await ListAsync($"tenant={slug}&limit=2&after={first.Next}");
        var third = await ListAsync($"tenant={slug}&limit=2&after={second.Next}");
        using var zero = await fixture.Client.Http.GetAsync("/v1/audit?limit=0");
        using var word = await fixture.Client.Http.GetAsync("/v1/audit?limit=many");
        using var badTenant = await fixture.Client.Http.GetAsync("/v1/audit?tenant=Not-A-Slug");
        using var badCursor = await fixture.Client.Http.GetAsync("/v1/audit?after=xyz");

        Assert.Equal(["tenant.resume", "tenant.suspend", "tenant.resume", "tenant.suspend", "tenant.onboard"], first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.Action));
        Assert.Null(third.Next);
        foreach (var (response, field) in new[] { (zero, "limit"), (word, "limit"), (badTenant, "tenant"), (badCursor, "after") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, (await Problem.ReadAsync(response)).Errors!.Keys);
        }
    }

    [Fact]
    public async Task RecordRolloutStartPauseResumeAndCancel()
    {
        await using var rollouts = await RolloutFixture.StartAsync();
        await rollouts.OnboardAsync("auditroll", 2);
        rollouts.Migrations.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");

        var id = await rollouts.Rollouts.StartOkAsync(new { targetVersion = 4, maxParallel = 1 });
        using var pause = await rollouts.Rollouts.ActAsync(id, "pause");
        using var resume = await rollouts.Rollouts.ActAsync(id, "resume");
        using var cancel = await rollouts.Rollouts.ActAsync(id, "cancel");
        var page = (await rollouts.Tenants.Http.GetFromJsonAsync<AuditListResponse>("/v1/audit", TenantsClient.Json))!;

        var entries = page.Items.Where(e => e.Target == id).ToList();
        Assert.Equal(
            [("rollout.cancel", (int)cancel.StatusCode), ("rollout.resume", (int)resume.StatusCode), ("rollout.pause", (int)pause.StatusCode), ("rollout.start", 202)],
            entries.Select(e => (e.Action, e.Status)));
        Assert.All(entries, e => Assert.Equal("bootstrap-admin", e.Actor));
        Assert.Equal("to version 4", entries[^1].Detail);
    }

    [Fact]
    public async Task KeepTheLogAcrossARestart()
    {
        await using var database = await TestDatabase.CreateAsync();
        var slug = TestSlugs.New("auditrestart");
        await using (var first = new SiloFactory(database.ConnectionString))
        {
            using var client = first.CreateAdminClient();
            await client.OnboardAsync(slug);
        }

        await using var second = new SiloFactory(database.ConnectionString);
        using var after = second.CreateAdminClient();
        var page = (await after.Http.GetFromJsonAsync<AuditListResponse>($"/v1/audit?tenant={slug}", TenantsClient.Json))!;

        var entry = Assert.Single(page.Items);
        Assert.Equal(("tenant.onboard", "bootstrap-admin", 202), (entry.Action, entry.Actor, entry.Status));
    }

    [Fact]
    public async Task BeOutOfReachOfTenantRolesAndTenantKeys()
    {
        var slug = TestSlugs.New("auditiso");
        await fixture.Client.OnboardAsync(slug);
        var (_, tenantKey) = await CreateKeyAsync($"tenant:{slug}");
        using var tenantClient = KeyClient(tenantKey);

        using var read = await tenantClient.GetAsync("/v1/audit");
        var select = await AsTenantRoleAsync(slug, "SELECT count(*) FROM controlplane.audit_log");
        var insert = await AsTenantRoleAsync(slug, "INSERT INTO controlplane.audit_log (actor, action, status, outcome) VALUES ('me', 'forged', 200, 'succeeded')");

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, select.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.audit_log WHERE action = 'forged'"));
    }

    private async Task<PostgresException> AsTenantRoleAsync(string slug, string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using (var setRole = new NpgsqlCommand($"SET ROLE \"tenant_{slug}\"", connection))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection);
        return await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
    }

    private async Task<AuditListResponse> ListAsync(string query)
    {
        using var response = await fixture.Client.Http.GetAsync($"/v1/audit?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/audit?{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<AuditListResponse>(TenantsClient.Json))!;
    }

    private async Task<(string Name, string Key)> CreateKeyAsync(string scope)
    {
        var name = TestSlugs.New("key");
        using var response = await fixture.Client.Http.PostAsJsonAsync("/v1/api-keys", new { name, scope });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating key {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (name, (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(TenantsClient.Json))!.Key);
    }

    private HttpClient KeyClient(string key)
    {
        var client = fixture.Silo.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
