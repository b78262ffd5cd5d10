using Orleans;
namespace ControlPlane.Grains.Rollouts;

/// <summary>No rollout has this id (answered as 404).</summary>
[GenerateSerializer, Alias("cp.RolloutNotFoundException")]
public sealed class RolloutNotFoundException(string id) : Exception($"No rollout has the id '{id}'.")
{
    [Id(0)]
    public string Id { get; } = id;
}
