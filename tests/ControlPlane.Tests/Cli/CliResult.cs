using System.Text.RegularExpressions;

namespace ControlPlane.Tests.Cli;

/// <summary>How a run of the CLI ended: its exit code and everything it wrote.</summary>
public sealed partial record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stdout without ANSI escape sequences (colour, cursor moves), for runs that pretended to be a terminal.</summary>
    public string PlainOut => AnsiEscape().Replace(Out, string.Empty);

    /// <summary>For assertion messages: the whole run at a glance.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
