using ControlPlane.Registry.Contracts.Rollouts;

namespace ControlPlane.Grains.Rollouts;

/// <summary>The waves a plan asks for (the assignment of tenants to them is <see cref="RolloutAssignment"/>).</summary>
public static class RolloutWaves
{
    /// <summary>The waves to use: the plan's, or one wave named "all".</summary>
    public static IReadOnlyList<RolloutWavePlan> Normalize(IReadOnlyList<RolloutWavePlan>? waves) =>
        waves is { Count: > 0 } ? waves : [new RolloutWavePlan("all", null)];
}
