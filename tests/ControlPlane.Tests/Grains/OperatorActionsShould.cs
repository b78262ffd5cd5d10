using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Grains;

public sealed class OperatorActionsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TenantsClient Client => fixture.Client;

    [Fact]
    public async Task SuspendAnActiveTenantSoItsRoleCannotLogInThenResumeIt()
    {
        var slug = TestSlugs.New("susp");
        await Client.OnboardAsync(slug);

        using var suspended = await Client.PostActionAsync(slug, "suspend");
        var canLoginWhileSuspended = await CanLoginAsync(slug);
        using var checkWhileSuspended = await Client.Http.GetAsync($"/v1/tenants/{slug}/connection");
        using var again = await Client.PostActionAsync(slug, "suspend");
        using var resumed = await Client.PostActionAsync(slug, "resume");

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(TenantStatus.Suspended, (await suspended.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json))!.State);
        Assert.False(canLoginWhileSuspended);
        Assert.Equal(HttpStatusCode.Conflict, checkWhileSuspended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var tenant = await Client.GetAsync(slug);
        Assert.Equal(TenantStatus.Active, tenant!.State);
        Assert.True(await CanLoginAsync(slug));
        Assert.Equal(1, tenant.Timeline.Count(e => e.To == TenantStatus.Suspended));
    }

    [Fact]
    public async Task RefuseARetryOfATenantThatHasNotFailedWith409NamingTheState()
    {
        var slug = TestSlugs.New("noretry");
        await Client.OnboardAsync(slug);

        using var response = await Client.PostActionAsync(slug, "retry");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("is Active; it cannot retry", (await Problem.ReadAsync(response)).Detail);
    }

    [Fact]
    public async Task RefuseResumingATenantThatIsNotSuspended()
    {
        var slug = TestSlugs.New("noresume");
        using var created = await Client.CreateAsync(slug, "X");
        await Client.WaitForStateAsync(slug, TenantStatus.Active);
        using var deleted = await Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        await Client.WaitForStateAsync(slug, TenantStatus.Deleted);

        using var response = await Client.PostActionAsync(slug, "resume");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task DropSchemaAndRoleOnDeleteButKeepTheRegistryRowAndHistory()
    {
        var slug = TestSlugs.New("del");
        await Client.OnboardAsync(slug);

        using var response = await Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        var deleted = await Client.WaitForStateAsync(slug, TenantStatus.Deleted);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TenantStatus.Deprovisioning, (await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json))!.State);
        var db = fixture.Database;
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", $"tenant_{slug}"));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", $"tenant_{slug}"));
        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active, TenantStatus.Deprovisioning, TenantStatus.Deleted],
            deleted.Timeline.Select(e => e.To).Distinct());
        Assert.Equal(3, await db.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenant_migrations WHERE slug = $1", slug));
    }

    [Fact]
    public async Task AnswerARepeatedDeleteWithTheDeletedTenantAndRefuseReusingTheSlug()
    {
        var slug = TestSlugs.New("gone");
        await Client.OnboardAsync(slug);
        using var first = await Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        await Client.WaitForStateAsync(slug, TenantStatus.Deleted);

        using var second = await Client.Http.DeleteAsync($"/v1/tenants/{slug}");
        using var recreate = await Client.CreateAsync(slug, $"{slug} Ltd");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, recreate.StatusCode);
        Assert.Contains("slugs are not reused", (await Problem.ReadAsync(recreate)).Detail);
    }

    private async Task<bool> CanLoginAsync(string slug) =>
        await fixture.Database.ScalarAsync<bool>("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", $"tenant_{slug}");
}
