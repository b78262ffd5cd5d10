using ControlPlane.Cli;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary>
/// Runs CLI commands in the test process against an in-process silo: requests go through the silo's test server
/// handler, output is captured. The connection comes from the environment, as an operator's shell would give it.
/// </summary>
internal sealed class InProcessCli(SiloFactory silo)
{
    private readonly string _workingDirectory = Path.GetTempPath();

    /// <summary>Pretend stdout is a terminal (animated progress, colour).</summary>
    public bool Terminal { get; init; }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var handler = silo.Server.CreateHandler();
        var environment = new Dictionary<string, string?>
        {
            ["CONTROLPLANE_URL"] = silo.Server.BaseAddress.ToString(),
            ["CONTROLPLANE_API_KEY"] = SiloFactory.AdminKey,
        };
        var host = new CliHost
        {
            Out = output,
            Error = error,
            OutIsTerminal = Terminal,
            Width = 160,
            Environment = name => environment.GetValueOrDefault(name),
            CurrentDirectory = _workingDirectory,
            Handler = handler,
            PollInterval = TimeSpan.FromMilliseconds(100),
        };

        var exitCode = await ControlPlaneCli.RunAsync(args, host);

        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
