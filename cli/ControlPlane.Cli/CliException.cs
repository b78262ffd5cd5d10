namespace ControlPlane.Cli;

/// <summary>A failure the client explains itself (no API problem behind it), with the exit code it ends with.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
