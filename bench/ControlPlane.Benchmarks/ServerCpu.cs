using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// CPU used by the local PostgreSQL server's processes (all backends and auxiliaries), read from /proc. It lets a
/// benchmark say how much database work each side caused, not only how long it took.
/// </summary>
internal static class ServerCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Total user+system CPU of processes named "postgres", or null when /proc is unavailable.</summary>
    public static TimeSpan? Total()
    {
        if (!Directory.Exists("/proc"))
        {
            return null;
        }

        double ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                if (name != "postgres")
                {
                    continue;
                }

                // utime + stime, plus cutime + cstime: backends that already exited (psql's, when it disconnects)
                // are only counted in their parent's totals once reaped.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                for (var i = 11; i <= 14; i++)
                {
                    ticks += double.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
