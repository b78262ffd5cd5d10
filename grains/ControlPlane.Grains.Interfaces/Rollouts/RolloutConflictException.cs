namespace ControlPlane.Grains.Rollouts;

/// <summary>A rollout cannot start or change as asked (answered as 409, with details when there are any).</summary>
public sealed class RolloutConflictException(string message, string? openRolloutId = null, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>The rollout that is open, when that is the conflict.</summary>
    public string? OpenRolloutId { get; } = openRolloutId;

    /// <summary>Specifics, e.g. each drifted tenant and version.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];
}
