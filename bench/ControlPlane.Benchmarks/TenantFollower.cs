using System.Text.Json;
using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>Follows a tenant the way a client would: waiting conditional GETs, one answer per state change.</summary>
internal static class TenantFollower
{
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
