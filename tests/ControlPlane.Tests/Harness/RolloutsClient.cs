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

    public async Task<RolloutResponse> GetAsync(string id) =>
        (await http.GetFromJsonAsync<RolloutResponse>($"/v1/rollouts/{id}", TenantsClient.Json))!;

    public Task<HttpResponseMessage> ActAsync(string id, string action) => http.PostAsync($"/v1/rollouts/{id}/{action}", null);

    public async Task<MigrationsResponse> CatalogueAsync() =>
        (await http.GetFromJsonAsync<MigrationsResponse>("/v1/migrations", TenantsClient.Json))!;

    /// <summary>Polls until the rollout is in <paramref name="expected"/>; the failure names the rollout, expected and last seen.</summary>
    public async Task<RolloutResponse> WaitForStateAsync(string id, RolloutState expected, TimeSpan? timeout = null, Func<RolloutResponse, bool>? also = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        RolloutResponse? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(id);
            if (last.State == expected && (also is null || also(last)))
            {
                return last;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Rollout {id} did not reach {expected} within {limit}; last seen: {last?.State} " +
            $"(wave {last?.CurrentWave}, totals {last?.Totals}, reason '{last?.Reason}')");
        return null!;
    }
}
