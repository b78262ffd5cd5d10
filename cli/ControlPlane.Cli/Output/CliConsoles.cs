using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>Spectre consoles over the host's streams: colour and animation on a terminal, plain text anywhere else.</summary>
internal static class CliConsoles
{
    // Pipes and CI logs have no width; wide enough that tables do not wrap error messages line by line.
    private const int PlainWidth = 200;

    public static IAnsiConsole Create(TextWriter writer, bool terminal, int? width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (width is not null || !terminal)
        {
            console.Profile.Width = width ?? PlainWidth;
        }

        return console;
    }
}
