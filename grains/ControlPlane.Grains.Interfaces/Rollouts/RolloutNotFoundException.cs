namespace ControlPlane.Grains.Rollouts;

/// <summary>No rollout has this id (answered as 404).</summary>
public sealed class RolloutNotFoundException(string id) : Exception($"No rollout has the id '{id}'.")
{
    public string Id { get; } = id;
}
