using System.Globalization;

namespace ControlPlane.Cli.Output;

/// <summary>How times, durations and long texts are shown.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    public static string ClockTime(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>1h02m, 3m05s, 12s.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } value || double.IsNaN(value) || value < 0)
        {
            return "-";
        }

        var span = TimeSpan.FromSeconds(Math.Ceiling(value));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s");
    }

    public static string Rate(double tenantsPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenantsPerSecond:0.##} tenants/s");

    public static string Percent(int part, int whole) =>
        whole == 0 ? "100%" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0}%");

    /// <summary>The first line of a text, cut to <paramref name="length"/> characters.</summary>
    public static string Short(string? text, int length)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var line = text.Split('\n', 2)[0].TrimEnd();
        return line.Length <= length ? line : line[..(length - 1)] + "…";
    }
}
