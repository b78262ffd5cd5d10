using System.Globalization;

namespace ControlPlane.Cli.Rollouts;

/// <summary><c>--failure-threshold</c>: a fraction (0.02) or a percentage (2%) of a wave that may fail.</summary>
internal static class FailureThreshold
{
    public static bool TryParse(string text, out double fraction)
    {
        text = text.Trim();
        var percent = text.EndsWith('%');
        if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value))
        {
            fraction = percent ? value / 100 : value;
            return true;
        }

        fraction = 0;
        return false;
    }
}
