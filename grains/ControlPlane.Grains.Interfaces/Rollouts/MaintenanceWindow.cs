using System.Globalization;
using Orleans;

namespace ControlPlane.Grains.Rollouts;

/// <summary>
/// A weekly maintenance window in a time zone: on the given days, from <c>from</c> to <c>to</c> wall-clock time. A
/// <c>to</c> at or before <c>from</c> crosses midnight, and the day is the one it opens on (<c>Fri 22:00-02:00</c>
/// ends on Saturday). Occurrences are half-open: open at the opening instant, closed at the closing one.
/// </summary>
/// <remarks>
/// Daylight saving: a wall time the clocks skip (02:30 on a spring-forward night) is read as the same time after the
/// jump, shifted by the gap (03:30); a wall time that happens twice (fall-back) is its first occurrence. So a window
/// keeps its wall-clock length except across a transition, where it is one hour shorter or longer in real time.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cp.MaintenanceWindow")]
public sealed record MaintenanceWindow
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>Days it opens on, a bit per <see cref="DayOfWeek"/> (bit 0 Sunday).</summary>
    [Id(0)]
    public required int Days { get; init; }

    /// <summary>Opening, minutes after local midnight.</summary>
    [Id(1)]
    public required int FromMinute { get; init; }

    /// <summary>Closing, minutes after local midnight (of the next day when at or before <see cref="FromMinute"/>).</summary>
    [Id(2)]
    public required int ToMinute { get; init; }

    /// <summary>IANA time zone id (<c>Europe/Berlin</c>, <c>UTC</c>).</summary>
    [Id(3)]
    public required string TimeZone { get; init; }

    /// <summary>The days as given back to callers: <c>*</c>, or ranges and lists in week order starting Monday (<c>Mon-Fri</c>, <c>Sat,Sun</c>).</summary>
    public string DaysText => Days == 0x7f ? "*" : DescribeDays(Days);

    public string FromText => Clock(FromMinute);

    public string ToText => Clock(ToMinute);

    public override string ToString() => $"{DaysText} {FromText}-{ToText} {TimeZone}";

    /// <summary>
    /// Reads a window; throws <see cref="InvalidMaintenanceWindowException"/> naming the field at fault. Days null, empty or <c>*</c>: every
    /// day; time zone null: UTC.
    /// </summary>
    public static MaintenanceWindow Parse(string? days, string? from, string? to, string? timeZone)
    {
        var zone = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        if (!TryFindZone(zone, out _))
        {
            throw new InvalidMaintenanceWindowException("timeZone", $"'{zone}' is not a time zone this server knows; use an IANA id such as Europe/Berlin or UTC.");
        }

        return new MaintenanceWindow
        {
            Days = ParseDays(days),
            FromMinute = ParseClock(from, "from"),
            ToMinute = ParseClock(to, "to"),
            TimeZone = zone,
        };
    }

    /// <summary>True when <paramref name="at"/> falls inside an occurrence of this window.</summary>
    public bool IsOpen(DateTimeOffset at) => CurrentClosing(at) is not null;

    /// <summary>When the occurrence that holds <paramref name="at"/> closes; null when the window is closed then.</summary>
    public DateTimeOffset? CurrentClosing(DateTimeOffset at)
    {
        // An occurrence lasts at most a day (and an hour, across a transition): it opened today or on one of the two days before.
        var today = LocalDate(at);
        for (var back = 0; back <= 2; back++)
        {
            if (Occurrence(today.AddDays(-back)) is var (opens, closes) && opens <= at && at < closes)
            {
                return closes;
            }
        }

        return null;
    }

    /// <summary>The first opening at or after <paramref name="after"/> (an occurrence already open counts only if it opens exactly then).</summary>
    public DateTimeOffset NextOpening(DateTimeOffset after)
    {
        var today = LocalDate(after);
        for (var ahead = -1; ahead <= 8; ahead++)
        {
            if (Occurrence(today.AddDays(ahead)) is var (opens, _) && opens >= after)
            {
                return opens;
            }
        }

        // Unreachable: some day of every week is in the mask (Parse refuses an empty one).
        throw new InvalidOperationException($"Maintenance window {this} has no opening in the week after {after:O}.");
    }

    /// <summary>The occurrence opening on local date <paramref name="day"/>, in UTC, or null when the window is not open that day.</summary>
    private (DateTimeOffset Opens, DateTimeOffset Closes)? Occurrence(DateOnly day)
    {
        if ((Days & (1 << (int)day.DayOfWeek)) == 0)
        {
            return null;
        }

        var zone = Zone();
        var start = day.ToDateTime(TimeOnly.MinValue).AddMinutes(FromMinute);
        var end = day.ToDateTime(TimeOnly.MinValue).AddMinutes(ToMinute <= FromMinute ? ToMinute + (24 * 60) : ToMinute);
        return (ToInstant(start, zone), ToInstant(end, zone));
    }

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone()).DateTime);

    private TimeZoneInfo Zone() =>
        TryFindZone(TimeZone, out var zone) ? zone : throw new InvalidOperationException($"Time zone '{TimeZone}' is not known on this server.");

    /// <summary>A wall-clock time in <paramref name="zone"/> as an instant: skipped times shift forward by the gap, repeated ones take their first occurrence.</summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset in force before the gap: read as that, the time lands as far past the jump as it was into the gap.
            var before = zone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    private static int ParseDays(string? days)
    {
        var text = days?.Trim();
        if (string.IsNullOrEmpty(text) || text == "*")
        {
            return 0x7f;
        }

        var mask = 0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length > 2 || range.Any(string.IsNullOrEmpty))
            {
                throw BadDays(text);
            }

            var first = Day(range[0], text);
            var last = range.Length == 2 ? Day(range[1], text) : first;

            // A range may wrap around the week's end (Fri-Mon).
            for (var day = first; ; day = (day + 1) % 7)
            {
                mask |= 1 << day;
                if (day == last)
                {
                    break;
                }
            }
        }

        return mask;
    }

    private static int Day(string name, string text)
    {
        var index = Array.FindIndex(DayNames, d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw BadDays(text);
    }

    private static InvalidMaintenanceWindowException BadDays(string text) =>
        new("days", $"'{text}' is not a list of days: use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges and lists (Mon-Fri, Sat,Sun, Mon,Wed-Fri), or * for every day.");

    private static int ParseClock(string? value, string field)
    {
        if (value is { Length: 5 } && value[2] == ':'
            && int.TryParse(value.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            && int.TryParse(value.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && hours < 24 && minutes < 60)
        {
            return (hours * 60) + minutes;
        }

        throw new InvalidMaintenanceWindowException(field, $"{field} must be a 24-hour time HH:mm, such as 01:00 or 22:30; '{value}' is not.");
    }

    private static string Clock(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";

    private static string DescribeDays(int mask)
    {
        // Week order from Monday, so that Mon-Fri and Sat,Sun read as people write them.
        var order = new[] { 1, 2, 3, 4, 5, 6, 0 };
        var parts = new List<string>();
        for (var i = 0; i < order.Length; i++)
        {
            if ((mask & (1 << order[i])) == 0)
            {
                continue;
            }

            var j = i;
            while (j + 1 < order.Length && (mask & (1 << order[j + 1])) != 0)
            {
                j++;
            }

            parts.Add(j - i >= 2 ? $"{DayNames[order[i]]}-{DayNames[order[j]]}" : string.Join(',', order[i..(j + 1)].Select(d => DayNames[d])));
            i = j;
        }

        return string.Join(',', parts);
    }
}
