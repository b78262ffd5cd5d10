namespace ControlPlane.Tests.Cli;

/// <summary>How a run of the CLI ended: its exit code and everything it wrote.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>For assertion messages: the whole run at a glance.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}
