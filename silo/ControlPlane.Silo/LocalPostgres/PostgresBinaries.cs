namespace ControlPlane.Silo.LocalPostgres;

/// <summary>Finds the machine's PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>).</summary>
public sealed record PostgresBinaries(string Directory)
{
    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>psql from the same installation, or the one on PATH.</summary>
    public string Psql => File.Exists(Path.Combine(Directory, "psql")) ? Path.Combine(Directory, "psql") : "psql";

    public static PostgresBinaries Find()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(System.IO.Directory.Exists("/usr/lib/postgresql")
                ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(VersionOf).Select(d => Path.Combine(d, "bin"))
                : []);
        foreach (var directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")))
            {
                return new PostgresBinaries(directory);
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql. " +
            "Install them (Debian/Ubuntu: apt-get install postgresql; the README's run and test scripts do this when run as root), " +
            "or set ConnectionStrings__ControlPlane to use an existing server.");
    }

    private static int VersionOf(string directory) =>
        int.TryParse(Path.GetFileName(directory), out var version) ? version : 0;
}
