using System.Globalization;
using ControlPlane.Cli.Contracts;

namespace ControlPlane.Cli.Rollouts;

/// <summary>
/// A wave on the command line: <c>name:size</c>, <c>name:selector</c> (<c>free-eu:plan=free,region=eu</c>),
/// <c>name:selector:size</c> (at most that many of the matching tenants), or <c>name</c> alone for the last wave (it
/// takes the rest). A selector is told from a size by its operator (<c>=</c>, <c>!</c>, or <c>in (...)</c>).
/// Only the form is checked here; the server checks the plan (sizes, names, order, selector syntax) and names the
/// field at fault.
/// </summary>
internal static class WaveSpec
{
    private static readonly char[] SelectorMarks = ['=', '!', '('];

    public static bool TryParse(string text, out RolloutWaveRequest wave, out string error)
    {
        wave = null!;
        string? selector = null;
        var sized = text;
        var mark = text.IndexOfAny(SelectorMarks);
        var start = mark < 0 ? -1 : text.LastIndexOf(':', mark);
        if (start >= 0)
        {
            // Selectors hold no ':', so a ':' after the selector's start can only come before a size.
            var end = text.IndexOf(':', start + 1);
            selector = (end < 0 ? text[(start + 1)..] : text[(start + 1)..end]).Trim();
            sized = end < 0 ? text[..start] : text[..start] + text[end..];
        }

        var separator = sized.LastIndexOf(':');
        var name = (separator < 0 ? sized : sized[..separator]).Trim();
        if (name.Length == 0)
        {
            error = $"'{text}' has no wave name; use name:size (canary:20), name:selector (free-eu:plan=free,region=eu) or a name alone for the last wave (rest).";
            return false;
        }

        int? size = null;
        if (separator >= 0)
        {
            if (!int.TryParse(sized[(separator + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"'{text}': the size after ':' must be a whole number of tenants, e.g. {name}:20 (or a selector, e.g. {name}:plan=free).";
                return false;
            }

            size = parsed;
        }

        wave = new RolloutWaveRequest(name, size, selector);
        error = string.Empty;
        return true;
    }
}
