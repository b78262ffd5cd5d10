using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Rollouts;

/// <summary>
/// A rollout's <c>lockTimeout</c> / <c>statementTimeout</c>: PostgreSQL's own duration spelling (<c>500ms</c>,
/// <c>1s</c>, <c>2min</c>, <c>1h</c>) or ISO 8601 (<c>PT1S</c>), within bounds; anything else is a 400 naming the field.
/// </summary>
public static partial class DdlDuration
{
    /// <summary>Parses <paramref name="value"/> (null: not given) and checks it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static TimeSpan? Parse(string? value, string field, TimeSpan min, TimeSpan max)
    {
        if (value is null)
        {
            return null;
        }

        var parsed = TryParse(value.Trim()) ?? throw new TenantValidationException(
            field, $"{field} must be a duration such as \"500ms\", \"1s\", \"2min\" or \"PT1S\"; '{value}' is not.");
        if (parsed < min || parsed > max)
        {
            throw new TenantValidationException(field, $"{field} must be between {Describe(min)} and {Describe(max)}; '{value}' is {Describe(parsed)}.");
        }

        return parsed;
    }

    private static TimeSpan? TryParse(string value)
    {
        var match = PostgresStyle().Match(value);
        if (match.Success)
        {
            var amount = decimal.Parse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var milliseconds = match.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "ms" => amount,
                "s" => amount * 1000,
                "min" => amount * 60_000,
                _ => amount * 3_600_000,
            };
            return milliseconds > (decimal)TimeSpan.MaxValue.TotalMilliseconds / 2 ? null : TimeSpan.FromMilliseconds((double)milliseconds);
        }

        if (value.StartsWith('P') || value.StartsWith('p'))
        {
            try
            {
                return XmlConvert.ToTimeSpan(value.ToUpperInvariant());
            }
            catch (FormatException)
            {
                return null;
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        return null;
    }

    private static string Describe(TimeSpan value) => value switch
    {
        { TotalSeconds: < 1 } => Number(value.TotalMilliseconds, "ms"),
        { TotalMinutes: < 1 } => Number(value.TotalSeconds, "s"),
        { TotalHours: < 2 } => Number(value.TotalMinutes, "min"),
        _ => Number(value.TotalHours, "h"),
    };

    private static string Number(double amount, string unit) => amount.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit;

    [GeneratedRegex(@"^(?<amount>\d{1,9}(\.\d{1,3})?)\s*(?<unit>ms|s|min|h)\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostgresStyle();
}
