using System.Globalization;
using ControlPlane.Grains.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ControlPlane.Api.Tenants;

/// <summary>The tenant row's version as an HTTP entity tag (<c>ETag</c> out, <c>If-Match</c> in).</summary>
internal static class EntityTag
{
    public static void Write(HttpResponse response, long etag) =>
        response.Headers.ETag = $"\"{etag.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The etag the caller expects, or null when it sent no If-Match (or <c>*</c>).</summary>
    public static long? ReadIfMatch(HttpRequest request) => Read(request.Headers.IfMatch.ToString(), "If-Match");

    /// <summary>The etag the caller already has (If-None-Match), or null.</summary>
    public static long? ReadIfNoneMatch(HttpRequest request) => Read(request.Headers.IfNoneMatch.ToString(), "If-None-Match");

    private static long? Read(string header, string name)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        if (EntityTagHeaderValue.TryParse(header.Trim(), out var tag)
            && long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw new TenantValidationException(name, $"{name} must be an ETag this API returned, e.g. \"7\".");
    }
}
