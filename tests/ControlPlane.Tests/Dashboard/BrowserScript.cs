using System.Diagnostics;
using System.Text;

namespace ControlPlane.Tests.Dashboard;

/// <summary>
/// A Node script from <c>tests/browser</c> that drives Debian's Chromium through playwright-core. Its packages are
/// installed by <c>scripts/prerequisites.sh</c> (<c>./test.sh</c> runs it); a missing install fails the test, saying so.
/// </summary>
public static class BrowserScript
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "tests", "browser");

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed: run scripts/prerequisites.sh (as root) or apt-get install chromium.");
        Assert.True(
            Directory.Exists(Path.Combine(Folder, "node_modules", "playwright-core")),
            $"playwright-core is not installed in {Folder}: run `npm ci` there (./test.sh does).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {timeout}; its output so far:\n{Read(output)}");
        }

        // The asynchronous readers may still hold the last lines.
        process.WaitForExit();
        return (process.ExitCode, Read(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
