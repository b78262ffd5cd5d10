using System.Diagnostics;

namespace ControlPlane.Benchmarks;

/// <summary>
/// dotnet-gcdump, which the idle-tenants benchmark uses to read the silo's live heap: the one on PATH or among the
/// global tools, else installed (from the NuGet feed, as a .NET tool) under <c>.controlplane/tools</c>.
/// </summary>
internal static class GcDumpTool
{
    public static async Task<string> EnsureAsync()
    {
        var local = Path.Combine(Testing.RepositoryRoot.Path, ".controlplane", "tools");
        string[] candidates =
        [
            BenchmarkPrerequisites.OnPath("dotnet-gcdump") ?? string.Empty,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump"),
            Path.Combine(local, "dotnet-gcdump"),
        ];
        if (candidates.FirstOrDefault(c => c.Length > 0 && File.Exists(c)) is { } found)
        {
            return found;
        }

        Console.WriteLine($"Installing dotnet-gcdump under {local} ...");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "tool", "install", "--tool-path", local, "dotnet-gcdump" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var installed = Path.Combine(local, "dotnet-gcdump");
        if (process.ExitCode != 0 || !File.Exists(installed))
        {
            throw new MissingPrerequisiteException(
                $"The idle-tenants benchmark reads the silo's heap with dotnet-gcdump, which is not installed and could not be installed ({await errors}). " +
                "Install it with: dotnet tool install -g dotnet-gcdump, and run again.");
        }

        return installed;
    }
}
