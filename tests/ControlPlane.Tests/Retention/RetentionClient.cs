using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Retention;

/// <summary>Deletes with a retention period as a test drives them, and what the database says about the tenant.</summary>
public sealed class RetentionClient(TenantsClient client, TestDatabase database)
{
    public HttpClient Http => client.Http;

    public Task<HttpResponseMessage> DeleteAsync(string slug, string retainFor) =>
        Http.DeleteAsync($"/v1/tenants/{slug}?retainFor={Uri.EscapeDataString(retainFor)}");

    public static async Task<TenantResponse> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json))!;

    public async Task<bool> CanLoginAsync(string slug) =>
        await database.ScalarAsync<bool>("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", $"tenant_{slug}");

    public async Task<bool> RoleExistsAsync(string slug) =>
        await database.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", $"tenant_{slug}");

    public async Task<bool> SchemaExistsAsync(string slug) =>
        await database.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", $"tenant_{slug}");

    /// <summary>Rows of the tenant's purge reminder in Orleans' reminder table (0 or 1).</summary>
    public Task<long> PurgeRemindersAsync(string slug) =>
        database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders WHERE grain_id LIKE '%' || $1 AND reminder_name = 'purge'", slug);

    /// <summary>The tenant's state as the registry row has it (read directly, with no silo running).</summary>
    public Task<string> RegistryStateAsync(string slug) =>
        database.ScalarAsync<string>("SELECT state FROM controlplane.tenants WHERE slug = $1", slug);
}
