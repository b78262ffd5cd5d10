using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>A rollout cannot start or change as asked (answered as 409, with details when there are any).</summary>
[GenerateSerializer, Alias("cp.RolloutConflictException")]
public sealed class RolloutConflictException(string message, string? openRolloutId = null, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>The rollout that is open, when that is the conflict.</summary>
    [Id(0)]
    public string? OpenRolloutId { get; } = openRolloutId;

    /// <summary>Specifics, e.g. each drifted tenant and version.</summary>
    [Id(1)]
    public IReadOnlyList<string> Details { get; } = details ?? [];
}
