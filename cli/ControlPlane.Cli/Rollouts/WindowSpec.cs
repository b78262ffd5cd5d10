using System.Text.RegularExpressions;
using ControlPlane.Cli.Contracts;

namespace ControlPlane.Cli.Rollouts;

/// <summary>
/// A maintenance window on the command line: <c>[days] HH:mm-HH:mm [zone]</c>, e.g. <c>Mon-Fri 01:00-05:00 UTC</c>
/// or <c>22:00-02:00 Europe/Berlin</c>. Only the form is checked here; the server checks days, times and zone and
/// names the field at fault.
/// </summary>
internal static partial class WindowSpec
{
    public static bool TryParse(string text, out MaintenanceWindowRequest window, out string error)
    {
        window = null!;
        var match = Spec().Match(text.Trim());
        if (!match.Success)
        {
            error = $"'{text}' is not a window; use [days] HH:mm-HH:mm [zone], e.g. \"Mon-Fri 01:00-05:00 UTC\" or \"Sat,Sun 22:00-02:00 Europe/Berlin\".";
            return false;
        }

        window = new MaintenanceWindowRequest(
            match.Groups["days"].Success ? match.Groups["days"].Value : null,
            match.Groups["from"].Value,
            match.Groups["to"].Value,
            match.Groups["zone"].Success ? match.Groups["zone"].Value : null);
        error = string.Empty;
        return true;
    }

    [GeneratedRegex(@"^(?:(?<days>\S+)\s+)?(?<from>\d{2}:\d{2})-(?<to>\d{2}:\d{2})(?:\s+(?<zone>\S+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Spec();
}
