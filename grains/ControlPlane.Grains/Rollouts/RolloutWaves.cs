using ControlPlane.Registry.Contracts.Rollouts;

namespace ControlPlane.Grains.Rollouts;

/// <summary>Assigns tenants to waves: sizes in order, the last wave takes whatever remains.</summary>
public static class RolloutWaves
{
    /// <summary>The waves to use: the plan's, or one wave named "all".</summary>
    public static IReadOnlyList<RolloutWavePlan> Normalize(IReadOnlyList<RolloutWavePlan>? waves) =>
        waves is { Count: > 0 } ? waves : [new RolloutWavePlan("all", null)];

    /// <summary>
    /// Upper bounds (1-based, inclusive) of every wave but the last, for tenants numbered in rollout order:
    /// tenant n belongs to the first wave whose bound is at least n, or to the last wave.
    /// </summary>
    public static int[] Bounds(IReadOnlyList<RolloutWavePlan> waves)
    {
        var bounds = new int[waves.Count - 1];
        var total = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            total += waves[i].Tenants ?? throw new ArgumentException($"Wave '{waves[i].Name}' needs a size: only the last wave takes the rest.", nameof(waves));
            bounds[i] = total;
        }

        return bounds;
    }

    /// <summary>The sizes each wave ends up with for <paramref name="tenants"/> tenants.</summary>
    public static IReadOnlyList<RolloutWaveDefinition> Sizes(IReadOnlyList<RolloutWavePlan> waves, int tenants)
    {
        var bounds = Bounds(waves);
        var sizes = new List<RolloutWaveDefinition>(waves.Count);
        var previous = 0;
        for (var i = 0; i < waves.Count; i++)
        {
            var upper = i < bounds.Length ? Math.Min(bounds[i], tenants) : tenants;
            sizes.Add(new RolloutWaveDefinition(waves[i].Name, Math.Max(0, upper - previous)));
            previous = Math.Max(previous, upper);
        }

        return sizes;
    }
}
