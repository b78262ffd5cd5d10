using System.Xml;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// How long a deleted tenant is retained before it is purged: an ISO 8601 duration (<c>P30D</c>, <c>PT12H</c>), or
/// <c>0</c> for none. The one parser of <c>?retainFor=</c> and of <c>ControlPlane:Tenants:DeleteRetention</c>.
/// </summary>
public static class RetentionPeriod
{
    /// <summary>The longest period accepted: a purge further away than this is more likely a typo than a policy.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3660);

    /// <summary>Parses <paramref name="value"/>; zero means immediate deletion. False with a reason when it is not a valid period.</summary>
    public static bool TryParse(string? value, out TimeSpan period, out string error)
    {
        period = TimeSpan.Zero;
        error = string.Empty;
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed == "0")
        {
            return true;
        }

        try
        {
            // XmlConvert reads xs:duration, which is ISO 8601's PnYnMnDTnHnMnS (a year as 365 days, a month as 30).
            period = XmlConvert.ToTimeSpan(trimmed);
        }
        catch (FormatException)
        {
            error = $"'{trimmed}' is not an ISO 8601 duration; give e.g. P30D (30 days), PT12H, or 0 to delete at once.";
            return false;
        }
        catch (OverflowException)
        {
            error = $"'{trimmed}' is longer than {Max.TotalDays:0} days.";
            return false;
        }

        if (period < TimeSpan.Zero)
        {
            error = $"'{trimmed}' is negative; give a period of zero (delete at once) or more.";
            return false;
        }

        if (period > Max)
        {
            error = $"'{trimmed}' is longer than {Max.TotalDays:0} days.";
            return false;
        }

        return true;
    }

    /// <summary>Parses the query parameter <c>retainFor</c>, throwing <see cref="TenantValidationException"/> naming it.</summary>
    public static TimeSpan? ParseQuery(string? value) =>
        value is null ? null : TryParse(value, out var period, out var error) ? period : throw new TenantValidationException("retainFor", error);
}
