namespace ControlPlane.Cli;

/// <summary>
/// What the client needs from the world outside it: its output streams, environment, working directory and how it
/// reaches the API. The process supplies the real ones; tests supply captured streams and an in-memory handler.
/// </summary>
internal sealed class CliHost
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>True when stdout is a terminal: tables get colour and rollouts an animated progress bar.</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>True when stderr is a terminal (errors in colour).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>True when a person can answer a question (stdin and stdout are terminals).</summary>
    public bool CanPrompt { get; init; }

    /// <summary>Columns to render for; null: the terminal's own width, or wide enough not to wrap off a terminal.</summary>
    public int? Width { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public string CurrentDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Replaces the network stack (tests route requests to an in-process silo); the client does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>How often a rollout being watched is read again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether Ctrl-C and SIGTERM cancel the running command (only a real process should hook signals).</summary>
    public bool HandlesTermination { get; init; }

    public static CliHost FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OutIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
        CanPrompt = !Console.IsOutputRedirected && !Console.IsInputRedirected,
        HandlesTermination = true,
    };
}
