using System.Net;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Backups;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Retention;

public sealed class RetainedDeletionShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    private RetentionClient Retention => new(fixture.Client, fixture.Database);

    [Fact]
    public async Task Keep_a_tenant_deleted_with_retainFor_Retained_unable_to_log_in_with_purgeAt_and_a_Final_backup()
    {
        var slug = TestSlugs.New("retain");
        await Client.OnboardAsync(slug);
        await fixture.Database.ExecuteAsync($"INSERT INTO tenant_{slug}.teams (name) SELECT 'kept ' || i FROM generate_series(1, 12) i");
        var teams = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.teams");
        var before = DateTimeOffset.UtcNow;

        using var deleted = await Retention.DeleteAsync(slug, "P30D");
        var canLogin = await Retention.CanLoginAsync(slug);
        using var check = await Client.Http.GetAsync($"/v1/tenants/{slug}/connection");
        using var again = await Retention.DeleteAsync(slug, "P30D");

        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        var retained = await RetentionClient.ReadAsync(deleted);
        Assert.Equal(TenantStatus.Retained, retained.State);
        Assert.NotNull(retained.PurgeAt);
        Assert.InRange(retained.PurgeAt!.Value, before.AddDays(30).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(1));
        Assert.False(canLogin);
        Assert.Equal(HttpStatusCode.Conflict, check.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(retained.PurgeAt, (await RetentionClient.ReadAsync(again)).PurgeAt);

        var tenant = (await Client.GetAsync(slug))!;
        Assert.Equal(TenantStatus.Retained, tenant.State);
        Assert.Equal(retained.PurgeAt, tenant.PurgeAt);
        Assert.Single(tenant.Timeline, e => e.To == TenantStatus.Retained && e.Detail!.Contains("retention period of P30D", StringComparison.Ordinal));
        var backups = await new BackupsClient(Client, fixture.Database).ListAsync(slug);
        var final = Assert.Single(backups, b => b.Kind == BackupKind.Final);
        Assert.Equal(BackupState.Completed, final.State);
        Assert.Equal(teams, final.TableRows["teams"]);
        Assert.True(await Retention.SchemaExistsAsync(slug));
        Assert.Equal(1, await Retention.PurgeRemindersAsync(slug));
        using var listed = await Client.Http.GetAsync("/v1/tenants?state=Retained");
        Assert.Contains($"\"slug\":\"{slug}\"", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bring_a_retained_tenant_back_Active_with_its_rows_when_resumed_before_purgeAt()
    {
        var slug = TestSlugs.New("retres");
        await Client.OnboardAsync(slug);
        await fixture.Database.ExecuteAsync($"INSERT INTO tenant_{slug}.tags (name) SELECT 'tag ' || i FROM generate_series(1, 9) i");
        var tags = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM tenant_{slug}.tags");
        using var deleted = await Retention.DeleteAsync(slug, "P1D");
        Assert.Equal(TenantStatus.Retained, (await RetentionClient.ReadAsync(deleted)).State);

        using var resumed = await Client.PostActionAsync(slug, "resume");

        Assert.True(resumed.StatusCode == HttpStatusCode.OK, await resumed.Content.ReadAsStringAsync());
        var tenant = await RetentionClient.ReadAsync(resumed);
        Assert.Equal(TenantStatus.Active, tenant.State);
        Assert.Null(tenant.PurgeAt);
        Assert.True(await Retention.CanLoginAsync(slug));
        using var check = await Client.Http.GetAsync($"/v1/tenants/{slug}/connection");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(tags, await fixture.Database.ScalarAsync<long>($"SET ROLE tenant_{slug}; SELECT count(*) FROM tags"));
        Assert.Equal(0, await Retention.PurgeRemindersAsync(slug));
        Assert.Contains(tenant.Timeline, e => e.From == TenantStatus.Retained && e.To == TenantStatus.Active && e.Detail!.Contains("purge is called off", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("P30X")]
    [InlineData("thirty days")]
    [InlineData("-P1D")]
    public async Task Refuse_a_bad_retainFor_with_400_naming_retainFor_and_change_nothing(string retainFor)
    {
        var slug = TestSlugs.New("retbad");
        await Client.OnboardAsync(slug);

        using var response = await Retention.DeleteAsync(slug, retainFor);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.Errors?.ContainsKey("retainFor"), $"errors: {string.Join(", ", problem.Errors?.Keys.ToArray() ?? [])}; detail: {problem.Detail}");
        Assert.Equal(TenantStatus.Active, (await Client.GetAsync(slug))!.State);
        Assert.True(await Retention.CanLoginAsync(slug));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("PT0S")]
    public async Task Delete_at_once_as_before_when_retainFor_is_zero(string retainFor)
    {
        var slug = TestSlugs.New("retzero");
        await Client.OnboardAsync(slug);

        using var response = await Retention.DeleteAsync(slug, retainFor);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var tenant = await Client.WaitForStateAsync(slug, TenantStatus.Deleted);
        Assert.Null(tenant.PurgeAt);
        Assert.DoesNotContain(tenant.Timeline, e => e.To == TenantStatus.Retained);
        Assert.False(await Retention.SchemaExistsAsync(slug));
        Assert.False(await Retention.RoleExistsAsync(slug));
        Assert.Empty(await new BackupsClient(Client, fixture.Database).ListAsync(slug));
    }

    [Fact]
    public async Task Answer_a_retained_delete_of_a_deleted_tenant_with_it_unchanged()
    {
        var slug = TestSlugs.New("retdel");
        await Client.OnboardAsync(slug);
        using var gone = await Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        var deleted = await Client.WaitForStateAsync(slug, TenantStatus.Deleted);

        using var response = await Retention.DeleteAsync(slug, "P30D");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tenant = await RetentionClient.ReadAsync(response);
        Assert.Equal(TenantStatus.Deleted, tenant.State);
        Assert.Equal(deleted.Etag, tenant.Etag);
        Assert.Equal(0, await Retention.PurgeRemindersAsync(slug));
    }
}
