using System.Globalization;

namespace ControlPlane.Benchmarks;

/// <summary>
/// CPU used by the benchmark's PostgreSQL server (its postmaster and every process it forked: backends and
/// auxiliaries), read from /proc. It lets a benchmark say how much database work each side caused, not only how long
/// it took. Only that server's processes count: another server on the machine (a test run's) starting or stopping
/// must not move the figure. Also the CPU of one process's named threads (<see cref="OfThreads"/>), from the same files.
/// </summary>
internal static class ServerCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The postmaster's process id, from a backend's parent; null when the server is not on this machine.</summary>
    public static int? PostmasterOf(int backendPid) =>
        Stat(backendPid) is { } fields && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent) ? parent : null;

    /// <summary>Total user+system CPU of the postmaster and its children, or null when it cannot be read.</summary>
    public static TimeSpan? Total(int? postmaster)
    {
        if (postmaster is not int root || Stat(root) is not { } own)
        {
            return null;
        }

        // utime + stime, plus cutime + cstime: backends that already exited (psql's, when it disconnects) are only
        // counted in the postmaster's totals once reaped.
        var ticks = Ticks(own);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != root
                && Stat(pid) is { } fields && fields[1] == root.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(fields);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// User+system CPU of <paramref name="pid"/>'s threads named <paramref name="threadName"/> (their <c>comm</c>), or
    /// null when /proc cannot be read: the silo's JIT tier-up thread (".NET Tiered Com") is what a young silo pays in
    /// a benchmark and a long-running one does not.
    /// </summary>
    public static TimeSpan? OfThreads(int pid, string threadName)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }

        double ticks = 0;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd() == threadName && Fields(Path.Combine(task, "stat")) is { } fields)
                {
                    ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static double Ticks(string[] fields)
    {
        double ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            ticks += double.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return ticks;
    }

    /// <summary>The fields of /proc/pid/stat after the command name (state, ppid, ...), or null.</summary>
    private static string[]? Stat(int pid) => Fields($"/proc/{pid}/stat");

    /// <summary>The fields of a process's or thread's stat file after the command name, which may hold spaces.</summary>
    private static string[]? Fields(string path)
    {
        try
        {
            var stat = File.ReadAllText(path);
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // Gone while we looked, or no /proc.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
