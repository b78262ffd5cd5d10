namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/rollouts</c>; null fields are left to the server's defaults.</summary>
internal sealed record CreateRolloutRequest(int? TargetVersion, int? MaxParallel, IReadOnlyList<RolloutWaveRequest>? Waves, double? FailureThreshold);

/// <summary>A wave of a new rollout; the last may omit its size and take the rest.</summary>
internal sealed record RolloutWaveRequest(string Name, int? Tenants);
