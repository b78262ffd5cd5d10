using System.CommandLine;
using System.Globalization;

namespace ControlPlane.Cli;

/// <summary><c>--timeout</c> for commands that wait: seconds, or a number with s, m or h (90, 90s, 5m, 1h).</summary>
internal static class TimeoutOption
{
    public static Option<TimeSpan?> Create() => new("--timeout")
    {
        Description = $"Give up waiting after this long (90, 90s, 5m, 1h) and exit {ExitCodes.TimedOut}",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"'{text}' is not a duration; use seconds or a number with s, m or h, e.g. 90, 5m.");
            return null;
        },
    };

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        var unit = char.IsAsciiLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        var number = char.IsAsciiLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || double.IsInfinity(amount))
        {
            return false;
        }

        switch (unit)
        {
            case 's': value = TimeSpan.FromSeconds(amount); return true;
            case 'm': value = TimeSpan.FromMinutes(amount); return true;
            case 'h': value = TimeSpan.FromHours(amount); return true;
            default: return false;
        }
    }
}
