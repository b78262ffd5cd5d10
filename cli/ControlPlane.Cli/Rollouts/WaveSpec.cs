using System.Globalization;
using ControlPlane.Cli.Contracts;

namespace ControlPlane.Cli.Rollouts;

/// <summary>
/// A wave on the command line: <c>name:size</c>, or <c>name</c> alone for the last wave (it takes the rest).
/// Only the form is checked here; the server checks the plan (sizes, names, order) and names the field at fault.
/// </summary>
internal static class WaveSpec
{
    public static bool TryParse(string text, out RolloutWaveRequest wave, out string error)
    {
        wave = null!;
        var separator = text.LastIndexOf(':');
        var name = (separator < 0 ? text : text[..separator]).Trim();
        if (name.Length == 0)
        {
            error = $"'{text}' has no wave name; use name:size (canary:20) or a name alone for the last wave (rest).";
            return false;
        }

        int? size = null;
        if (separator >= 0)
        {
            if (!int.TryParse(text[(separator + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"'{text}': the size after ':' must be a whole number of tenants, e.g. {name}:20.";
                return false;
            }

            size = parsed;
        }

        wave = new RolloutWaveRequest(name, size);
        error = string.Empty;
        return true;
    }
}
