using System.CommandLine;
using System.Text.Json;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli;

/// <summary>
/// Turns a command body into a System.CommandLine action: gives it a <see cref="CommandContext"/>, and turns
/// every way it can fail into a message on stderr and the exit code of that class of failure.
/// </summary>
internal sealed class CommandRunner(CliHost host, GlobalOptions globals)
{
    public CliHost Host { get; } = host;

    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<CommandContext, CancellationToken, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            using var context = new CommandContext(Host, globals, parse);
            try
            {
                return await body(context, cancellationToken);
            }
            catch (ApiProblemException problem)
            {
                ProblemReport.Write(context.Error, problem);
                return problem.Problem.ExitCode;
            }
            catch (CliException failure)
            {
                context.Error.MarkupLineInterpolated($"[red]error:[/] {failure.Message}");
                return failure.ExitCode;
            }
            catch (HttpRequestException unreachable)
            {
                context.Error.MarkupLineInterpolated($"[red]error:[/] cannot reach the control plane at {context.Url}: {unreachable.Message}");
                context.Error.MarkupLine("[grey]hint: is it running (./run.sh)? Pass --url or set CONTROLPLANE_URL for another address.[/]");
                return ExitCodes.Unreachable;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                context.Error.MarkupLine("[yellow]interrupted[/]");
                return ExitCodes.Interrupted;
            }
            catch (TaskCanceledException timeout)
            {
                // HttpClient reports its own timeout as a cancellation the caller did not ask for.
                context.Error.MarkupLineInterpolated($"[red]error:[/] the control plane at {context.Url} did not answer in time ({timeout.Message})");
                return ExitCodes.Unreachable;
            }
            catch (JsonException unreadable)
            {
                context.Error.MarkupLineInterpolated($"[red]error:[/] unexpected answer from {context.Url}: {unreadable.Message}");
                return ExitCodes.Unreachable;
            }
        };
}
