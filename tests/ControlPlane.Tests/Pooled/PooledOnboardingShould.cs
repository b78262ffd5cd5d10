using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Pooled;

/// <summary>
/// A pooled tenant's onboarding is one unit, committed with its registration when a work connection is free
/// (docs/tiers.md, "Onboarding a pooled tenant"); a failure rolls both back and the tenant is then driven as any other.
/// </summary>
public sealed class PooledOnboardingShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private string PooledSchema => TestPooledSchema.For(fixture.Database.ConnectionString);

    [Fact]
    public async Task Answer_the_POST_with_the_tenant_already_Active_registered_and_onboarded_in_one_transaction()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pool_first")); // makes the pooled schema
        var slug = TestSlugs.New("pool_now");

        using var response = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Now Co", tier = "pooled" });
        var answered = await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        var transactions = await fixture.Database.TransactionsThatWroteTenantAsync(slug);
        var teams = await fixture.Database.QueryAsync<string>($"SELECT name FROM {PooledSchema}.teams WHERE tenant_id = $1", slug);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TenantStatus.Active, answered!.State);
        Assert.Equal(
            [TenantStatus.Requested, TenantStatus.SchemaCreated, TenantStatus.Migrated, TenantStatus.Seeded, TenantStatus.Active],
            answered.Timeline.Select(e => e.To));
        Assert.Equal(1, transactions);
        Assert.Equal(["Now Co Platform"], teams);
    }

    [Fact]
    public async Task Answer_the_same_POST_for_an_existing_pooled_tenant_with_it_unchanged_its_seed_and_suspension_untouched()
    {
        var slug = TestSlugs.New("pool_again");
        await fixture.Client.OnboardPooledAsync(slug, "Again Co");
        using (var suspend = await fixture.Client.PostActionAsync(slug, "suspend"))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        // The onboarding's statements go with the registration: for a slug that exists, nothing of them may stay.
        using var again = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Again Co", tier = "pooled" });
        var answered = await again.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json);
        using var different = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Other Co", tier = "pooled" });
        var teams = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {PooledSchema}.teams WHERE tenant_id = $1", slug);
        var flagged = await fixture.Database.ScalarAsync<bool>($"SELECT suspended FROM {PooledSchema}.tenants WHERE tenant_id = $1", slug);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((TenantStatus.Suspended, "Again Co"), (answered!.State, answered.DisplayName));
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(1, teams);
        Assert.True(flagged);
    }

    [Fact]
    public async Task Keep_a_tenant_whose_onboarding_failed_registered_with_the_error_then_onboard_it_once_on_retry()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pool_before"));
        var slug = TestSlugs.New("pool_fails");
        var role = $"{PooledSchema}_data";

        // A data role that could bypass row-level security fails the activation check, after the seed has run.
        await fixture.Database.ExecuteAsync($"ALTER ROLE \"{role}\" BYPASSRLS");
        try
        {
            using var response = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Fails Co", tier = "pooled" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            // Every automatic retry meets the same check, so the tenant ends Failed with no retry left.
            var failed = await fixture.Client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.NextRetryAt is null);
            var rowsWhileFailed = await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM {PooledSchema}.teams WHERE tenant_id = $1", slug);

            Assert.Contains("BYPASSRLS", failed.LastError, StringComparison.Ordinal);
            Assert.Equal(ProvisioningStep.CreateSchema, failed.FailedStep);
            Assert.True(failed.Attempts > 1, $"attempts: {failed.Attempts}");
            Assert.Equal(0, rowsWhileFailed);
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"ALTER ROLE \"{role}\" NOBYPASSRLS");
        }

        using var retry = await fixture.Client.PostActionAsync(slug, "retry");
        var active = await fixture.Client.WaitForStateAsync(slug, TenantStatus.Active);
        var teams = await fixture.Database.QueryAsync<string>($"SELECT name FROM {PooledSchema}.teams WHERE tenant_id = $1", slug);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(3, active.MigrationVersion);
        Assert.Equal(["Fails Co Platform"], teams);
    }

    [Fact]
    public async Task Refuse_to_activate_a_pooled_tenant_while_the_data_role_owns_a_relation()
    {
        await fixture.Client.OnboardPooledAsync(TestSlugs.New("pool_before"));
        var slug = TestSlugs.New("pool_owner");
        var role = $"{PooledSchema}_data";
        var scratch = TestSlugs.New("owned");

        // An owner bypasses row-level security on its own tables unless they are FORCEd: the role must own nothing.
        await fixture.Database.ExecuteAsync($"CREATE SCHEMA \"{scratch}\"; CREATE TABLE \"{scratch}\".t (id int); ALTER TABLE \"{scratch}\".t OWNER TO \"{role}\"");
        try
        {
            using var response = await fixture.Client.Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = "Owner Co", tier = "pooled" });
            var failed = await fixture.Client.WaitForStateAsync(slug, TenantStatus.Failed, also: t => t.NextRetryAt is null);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Contains($"{role} owns 1 relation(s); it must own nothing", failed.LastError, StringComparison.Ordinal);
            Assert.Equal(ProvisioningStep.CreateSchema, failed.FailedStep);
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"DROP SCHEMA \"{scratch}\" CASCADE");
        }

        using var retry = await fixture.Client.PostActionAsync(slug, "retry");
        var active = await fixture.Client.WaitForStateAsync(slug, TenantStatus.Active);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(TenantStatus.Active, active.State);
    }
}
