using System.CommandLine.Parsing;

namespace ControlPlane.Cli.Tenants;

/// <summary>
/// Labels on the command line: <c>key=value</c> sets one, <c>key-</c> removes it (as <c>kubectl label</c>). Only the
/// form is checked here; the server checks keys and values and names the label at fault.
/// </summary>
internal static class LabelChanges
{
    public static Dictionary<string, string?>? Parse(ArgumentResult result, bool removals)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var token in result.Tokens)
        {
            var text = token.Value;
            var equals = text.IndexOf('=');
            if (equals > 0)
            {
                changes[text[..equals]] = text[(equals + 1)..];
            }
            else if (removals && text.Length > 1 && text.EndsWith('-'))
            {
                changes[text[..^1]] = null;
            }
            else
            {
                result.AddError(removals
                    ? $"'{text}' is neither key=value (set a label) nor key- (remove it)."
                    : $"'{text}' is not key=value.");
                return null;
            }
        }

        return changes;
    }
}
