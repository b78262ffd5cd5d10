using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Waits until a process stops using CPU, so a measurement starts from a steady state: a silo whose JIT has caught up,
/// or a server whose autovacuum has analysed the tables a set-up just built.
/// </summary>
internal static class Quiet
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    /// <summary>Waits for <paramref name="silo"/> (see <see cref="WaitAsync(Func{TimeSpan?}, TimeSpan)"/>).</summary>
    public static Task<(TimeSpan Waited, TimeSpan Used)> WaitAsync(SiloProcess silo, TimeSpan atMost) =>
        WaitAsync(() => silo.CpuTime(), atMost);

    /// <summary>Waits for the benchmark's PostgreSQL server; returns at once when its CPU cannot be read.</summary>
    public static Task<(TimeSpan Waited, TimeSpan Used)> WaitAsync(BenchmarkDatabase database, TimeSpan atMost) =>
        WaitAsync(database.ServerCpu, atMost);

    /// <summary>
    /// Returns once two consecutive 250 ms samples of <paramref name="cpu"/> each grew by under a tenth of a core (timers
    /// and background writers use a little), or after <paramref name="atMost"/>; with how long it waited and the CPU used
    /// meanwhile.
    /// </summary>
    public static async Task<(TimeSpan Waited, TimeSpan Used)> WaitAsync(Func<TimeSpan?> cpu, TimeSpan atMost)
    {
        if (cpu() is not { } first)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        var started = DateTime.UtcNow;
        var last = first;
        var quiet = 0;
        while (quiet < 2 && DateTime.UtcNow - started < atMost)
        {
            await Task.Delay(Sample);
            var now = cpu() ?? last;
            quiet = now - last < Sample / 10 ? quiet + 1 : 0;
            last = now;
        }

        return (DateTime.UtcNow - started, last - first);
    }
}
