using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>Waits until a silo process stops using CPU (its JIT has caught up), so a measurement starts from a steady state.</summary>
internal static class SiloQuiet
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Returns once two consecutive 250 ms samples each used under a tenth of a core (the silo's timers use a little),
    /// or after <paramref name="atMost"/>; with how long it waited and the CPU the silo used meanwhile.
    /// </summary>
    public static async Task<(TimeSpan Waited, TimeSpan Used)> WaitAsync(SiloProcess silo, TimeSpan atMost)
    {
        var started = DateTime.UtcNow;
        var first = silo.CpuTime();
        var last = first;
        var quiet = 0;
        while (quiet < 2 && DateTime.UtcNow - started < atMost)
        {
            await Task.Delay(Sample);
            var now = silo.CpuTime();
            quiet = now - last < Sample / 10 ? quiet + 1 : 0;
            last = now;
        }

        return (DateTime.UtcNow - started, last - first);
    }
}
