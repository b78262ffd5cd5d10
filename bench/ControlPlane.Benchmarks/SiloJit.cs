using ControlPlane.Testing;

namespace ControlPlane.Benchmarks;

internal static class SiloJit
{
    /// <summary>CPU used so far by the silo's JIT tier-up thread, which recompiles hot methods in the background (null off Linux).</summary>
    public static TimeSpan? JitCpuTime(this SiloProcess silo) => ServerCpu.OfThreads(silo.ProcessId, ".NET Tiered Com");
}
