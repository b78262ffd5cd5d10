using ControlPlane.Silo.LocalPostgres;

namespace ControlPlane.Benchmarks;

/// <summary>
/// What each benchmark needs on the machine, checked before it starts anything, so a newcomer learns in the first
/// second (not after minutes of set-up) exactly what to install: <c>wrk</c> is installed when run as root.
/// </summary>
internal static class BenchmarkPrerequisites
{
    /// <summary>Checks what <paramref name="benchmark"/> needs (the suite: what all of them need); throws <see cref="MissingPrerequisiteException"/>.</summary>
    public static async Task CheckAsync(string benchmark, BenchmarkOptions options)
    {
        var (psql, wrk) = benchmark.ToUpperInvariant() switch
        {
            "ROLLOUT" or "ONBOARDING" or "BACKUP" => (true, false),
            "TENANT-READS" => (false, true),
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

    /// <summary>Where <paramref name="program"/> is on PATH, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

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
