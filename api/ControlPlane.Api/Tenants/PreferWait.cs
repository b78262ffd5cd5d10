using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.Api.Tenants;

/// <summary>The <c>Prefer: wait=&lt;seconds&gt;</c> request preference (RFC 7240), capped so requests cannot park forever.</summary>
internal static class PreferWait
{
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    public static TimeSpan? Read(HttpRequest request)
    {
        foreach (var preference in request.Headers["Prefer"].SelectMany(v => (v ?? string.Empty).Split([',', ';'])))
        {
            var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0].Equals("wait", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, Longest.TotalSeconds));
            }
        }

        return null;
    }
}
