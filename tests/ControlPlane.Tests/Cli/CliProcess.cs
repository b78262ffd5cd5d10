using System.Diagnostics;

namespace ControlPlane.Tests.Cli;

/// <summary>
/// Runs the built <c>controlplane</c> executable as a real process with redirected (non-terminal) output, as CI
/// and shell pipelines run it.
/// </summary>
internal static class CliProcess
{
    public static async Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Assembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test gives: an operator's CONTROLPLANE_* variables must not leak into the run.
        start.Environment.Remove("CONTROLPLANE_URL");
        start.Environment.Remove("CONTROLPLANE_API_KEY");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the controlplane CLI.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"controlplane {string.Join(' ', args)} did not exit within 3 minutes:\n{await output}\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    private static string Assembly()
    {
        // The tests and the CLI are built with the same configuration: bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Path, "cli", "ControlPlane.Cli", "bin", configuration, "net10.0", "controlplane.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the CLI first: {path} is missing.");
    }
}
