using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Harness;

/// <summary>The tenants API as a test drives it: plain HTTP, read back through the public contract types.</summary>
public sealed class TenantsClient(HttpClient http, bool ownsHttp = true) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public HttpClient Http { get; } = http;

    public Task<HttpResponseMessage> CreateAsync(string slug, string displayName) =>
        Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName });

    /// <summary>Onboarding with labels (<c>POST /v1/tenants {"labels":{...}}</c>).</summary>
    public Task<HttpResponseMessage> CreateAsync(string slug, string displayName, IReadOnlyDictionary<string, string?> labels) =>
        Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName, labels });

    /// <summary><c>PATCH /v1/tenants/{slug}</c> with a merge patch of labels (null removes a key).</summary>
    public Task<HttpResponseMessage> PatchLabelsAsync(string slug, IReadOnlyDictionary<string, string?> labels, long? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tenants/{slug}") { Content = JsonContent.Create(new { labels }) };
        if (ifMatch is long etag)
        {
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{etag}\""));
        }

        return Http.SendAsync(request);
    }

    /// <summary>Sets labels and fails the test with the problem detail unless the answer is 200.</summary>
    public async Task<TenantResponse> LabelOkAsync(string slug, IReadOnlyDictionary<string, string?> labels)
    {
        using var response = await PatchLabelsAsync(slug, labels);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {slug}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TenantResponse>(Json))!;
    }

    public async Task<TenantResponse?> GetAsync(string slug)
    {
        using var response = await Http.GetAsync($"/v1/tenants/{slug}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TenantResponse>(Json);
    }

    public Task<HttpResponseMessage> PostActionAsync(string slug, string action) => Http.PostAsync($"/v1/tenants/{slug}/{action}", null);

    /// <summary>Onboards a tenant and waits until it is Active.</summary>
    public async Task<TenantResponse> OnboardAsync(string slug, string? displayName = null, TimeSpan? timeout = null)
    {
        using var response = await CreateAsync(slug, displayName ?? $"{slug} Ltd");
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"POST {slug}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await WaitForStateAsync(slug, TenantStatus.Active, timeout);
    }

    /// <summary>Onboards a tenant in the pooled tier (<c>"tier":"pooled"</c>) and waits until it is Active.</summary>
    public async Task<TenantResponse> OnboardPooledAsync(string slug, string? displayName = null, TimeSpan? timeout = null)
    {
        using var response = await Http.PostAsJsonAsync("/v1/tenants", new { slug, displayName = displayName ?? $"{slug} Ltd", tier = "pooled" });
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"POST {slug} (pooled): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await WaitForStateAsync(slug, TenantStatus.Active, timeout);
    }

    /// <summary>Polls until the tenant is in <paramref name="expected"/>; the failure names the tenant, expected and last state.</summary>
    public async Task<TenantResponse> WaitForStateAsync(string slug, TenantStatus expected, TimeSpan? timeout = null, Func<TenantResponse, bool>? also = null) =>
        (await Eventually.ReadsAsync(
            () => GetAsync(slug),
            t => t?.State == expected && (also is null || also(t)),
            $"tenant '{slug}' to reach {expected}",
            last => last is null ? "not found" : $"{last.State} (version {last.MigrationVersion}, attempts {last.Attempts}, lastError '{last.LastError}', timeline: {string.Join(" | ", last.Timeline.Select(e => $"{e.To}:{e.Detail}"))})",
            timeout ?? TimeSpan.FromSeconds(30),
            every: TimeSpan.FromMilliseconds(50)))!;

    public void Dispose()
    {
        if (ownsHttp)
        {
            Http.Dispose();
        }
    }
}
