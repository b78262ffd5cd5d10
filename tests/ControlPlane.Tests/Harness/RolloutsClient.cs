using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Tests.Harness;

/// <summary>The rollouts API as a test drives it.</summary>
public sealed class RolloutsClient(HttpClient http)
{
    public Task<HttpResponseMessage> StartAsync(object body) => http.PostAsJsonAsync("/v1/rollouts", body);

    /// <summary>Starts a rollout and returns its id, failing the test with the problem detail if it was refused.</summary>
    public async Task<string> StartOkAsync(object body)
    {
        using var response = await StartAsync(body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /v1/rollouts: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RolloutResponse>(TenantsClient.Json))!.Id;
    }

    public Task<HttpResponseMessage> PlanAsync(object body, string? tenant = null) =>
        http.PostAsJsonAsync(tenant is null ? "/v1/rollouts/plan" : $"/v1/rollouts/plan?tenant={tenant}", body);

    /// <summary>Plans a rollout, failing the test with the problem detail unless the answer is 200.</summary>
    public async Task<RolloutPlanResponse> PlanOkAsync(object body, string? tenant = null)
    {
        using var response = await PlanAsync(body, tenant);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /v1/rollouts/plan: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RolloutPlanResponse>(TenantsClient.Json))!;
    }

    public async Task<RolloutResponse> GetAsync(string id) =>
        (await http.GetFromJsonAsync<RolloutResponse>($"/v1/rollouts/{id}", TenantsClient.Json))!;

    public Task<HttpResponseMessage> ActAsync(string id, string action) => http.PostAsync($"/v1/rollouts/{id}/{action}", null);

    public async Task<MigrationsResponse> CatalogueAsync() =>
        (await http.GetFromJsonAsync<MigrationsResponse>("/v1/migrations", TenantsClient.Json))!;

    /// <summary>Polls until the rollout is in <paramref name="expected"/>; the failure names the rollout, expected and last seen.</summary>
    public Task<RolloutResponse> WaitForStateAsync(string id, RolloutState expected, TimeSpan? timeout = null, Func<RolloutResponse, bool>? also = null) =>
        Eventually.ReadsAsync(
            () => GetAsync(id),
            r => r.State == expected && (also is null || also(r)),
            $"rollout {id} to reach {expected}",
            last => $"{last.State} (wave {last.CurrentWave}, totals {last.Totals}, reason '{last.Reason}')",
            timeout ?? TimeSpan.FromSeconds(60));
}
