using System.Diagnostics;
using ControlPlane.Silo.LocalPostgres;

namespace ControlPlane.Benchmarks;

/// <summary>
/// What each benchmark needs on the machine, checked before it starts anything, so a newcomer learns in the first
/// second (not after minutes of set-up) exactly what to install: <c>wrk</c> is installed when run as root.
/// </summary>
public static class BenchmarkPrerequisites
{
    /// <summary>
    /// Checks what <paramref name="benchmark"/> needs; throws <see cref="MissingPrerequisiteException"/>. The suite needs
    /// the server and psql up front; it checks each benchmark's own needs (wrk) before that one runs, so one missing
    /// program costs only the benchmarks that need it.
    /// </summary>
    internal static async Task CheckAsync(string benchmark, BenchmarkOptions options)
    {
        var (psql, wrk) = benchmark.ToUpperInvariant() switch
        {
            "ROLLOUT" or "ONBOARDING" or "OPERATOR-VIEW" or "CLONE" or "BACKUP" or "POOLED-ONBOARDING" or "MOVE" => (true, false),
            "TENANT-READS" or "POOLED-READS" => (false, true),
            "IDLE-TENANTS" => (false, false),
            "SUITE" => (true, false),
            _ => (true, true),
        };

        // With --pg the benchmark uses that server and never runs initdb or pg_ctl.
        if (options.Text("pg") is null)
        {
            ServerPrograms(benchmark);
        }

        if (psql)
        {
            Psql();
        }

        if (wrk)
        {
            await WrkRun.EnsureInstalledAsync();
        }
    }

    /// <summary>psql for the raw baselines: the one beside the server programs, else the one on PATH.</summary>
    public static string Psql()
    {
        try
        {
            if (PostgresBinaries.Find().Psql is { } beside && Path.IsPathRooted(beside))
            {
                return beside;
            }
        }
        catch (InvalidOperationException)
        {
            // No server programs (a --pg run may have only the client): look on PATH.
        }

        return OnPath("psql")
            ?? throw new MissingPrerequisiteException(
                "The raw baselines run SQL through psql, which is not on PATH nor under /usr/lib/postgresql/<version>/bin: " +
                "install it (Debian/Ubuntu: sudo apt-get install postgresql-client) and run again.");
    }

    /// <summary>Where <paramref name="program"/> is on <paramref name="path"/> (default: this process's PATH), or null.</summary>
    public static string? OnPath(string program, string? path = null) =>
        (path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Makes sure <paramref name="program"/> is on <paramref name="path"/>: installs Debian's <paramref name="package"/>
    /// with apt-get when <paramref name="canInstall"/> (default: running as root), and otherwise, or when that fails
    /// in any way, throws <see cref="MissingPrerequisiteException"/> saying what needs it and what to run.
    /// </summary>
    public static async Task EnsureProgramAsync(string program, string package, string neededBy, string? path = null, bool? canInstall = null)
    {
        if (OnPath(program, path) is not null)
        {
            return;
        }

        var install = $"sudo apt-get install {package}";
        if (!(canInstall ?? Environment.UserName == "root"))
        {
            throw new MissingPrerequisiteException($"{neededBy}, which is not on PATH: install it (Debian/Ubuntu: {install}) and run again.");
        }

        var aptGet = OnPath("apt-get", path)
            ?? throw new MissingPrerequisiteException($"{neededBy}, which is not on PATH, and there is no apt-get to install it with: install {program} (package {package}) and run again.");
        Console.WriteLine($"{program} is missing: installing {package} with apt-get");
        foreach (var arguments in new[] { "update -qq", $"install -y -qq {package}" })
        {
            var (exitCode, errors) = await RunAsync(aptGet, arguments);
            if (exitCode != 0)
            {
                throw new MissingPrerequisiteException(
                    $"{neededBy}, which is not on PATH, and `apt-get {arguments}` failed (exit code {exitCode}: {errors.Trim()}): install it ({install}) and run again.");
            }
        }

        if (OnPath(program, path) is null)
        {
            throw new MissingPrerequisiteException($"{neededBy}; apt-get installed {package}, but {program} is still not on PATH ({path ?? Environment.GetEnvironmentVariable("PATH")}): add its folder to PATH and run again.");
        }
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(string program, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await errors);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    private static void ServerPrograms(string benchmark)
    {
        try
        {
            PostgresBinaries.Find();
        }
        catch (InvalidOperationException)
        {
            throw new MissingPrerequisiteException(
                $"The {benchmark} benchmark starts its own PostgreSQL server and needs initdb and pg_ctl, which are not on PATH nor under /usr/lib/postgresql/<version>/bin: " +
                "install them (Debian/Ubuntu: sudo apt-get install postgresql) and run again, " +
                "or pass --pg \"Host=...;Username=...;Password=...;Database=...\" (a superuser connection string) to run on an existing server.");
        }
    }
}
