using System.Text.Json;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>Follows a tenant the way a client would: waiting conditional GETs, one answer per state change.</summary>
internal static class TenantFollower
{
    /// <summary>Onboards a tenant through the API with <paramref name="body"/> and waits until it is Active.</summary>
    public static async Task CreateAndWaitAsync(SiloProcess silo, object body)
    {
        string slug;
        using (var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(silo.Http, "/v1/tenants", body))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /v1/tenants: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            slug = created.RootElement.GetProperty("slug").GetString()!;
        }

        await WaitActiveAsync(silo, slug);
    }

    /// <summary>Returns once <paramref name="slug"/> is Active; throws when it fails.</summary>
    public static async Task WaitActiveAsync(SiloProcess silo, string slug)
    {
        string? etag = null;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{slug}");
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                request.Headers.TryAddWithoutValidation("Prefer", "wait=30");
            }

            using var response = await silo.Http.SendAsync(request);
            etag = response.Headers.ETag?.Tag ?? etag;
            if (response.StatusCode == System.Net.HttpStatusCode.NotModified)
            {
                continue;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var state = body.RootElement.GetProperty("state").GetString();
            if (state == "Active")
            {
                return;
            }

            if (state == "Failed")
            {
                throw new InvalidOperationException($"Tenant {slug} failed: {body.RootElement.GetProperty("lastError")}");
            }
        }
    }
}
