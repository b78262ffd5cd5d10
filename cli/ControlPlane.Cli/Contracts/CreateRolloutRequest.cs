namespace ControlPlane.Cli.Contracts;

/// <summary>Body of <c>POST /v1/rollouts</c>; null fields are left to the server's defaults.</summary>
/// <remarks>
/// <c>NotBefore</c> goes as given (ISO 8601 with an offset): the server judges it by its own clock. So do
/// <c>LockTimeout</c> and <c>StatementTimeout</c> ("500ms", "PT1S"): the server validates them and names the field.
/// </remarks>
internal sealed record CreateRolloutRequest(
    int? TargetVersion,
    int? MaxParallel,
    IReadOnlyList<RolloutWaveRequest>? Waves,
    double? FailureThreshold,
    string? NotBefore,
    IReadOnlyList<string>? AcceptLint = null,
    string? LockTimeout = null,
    string? StatementTimeout = null,
    IReadOnlyList<MaintenanceWindowRequest>? Windows = null);

/// <summary>A wave of a new rollout: a size, a label selector, or both; the last may give neither and takes the rest.</summary>
internal sealed record RolloutWaveRequest(string Name, int? Tenants, string? Selector = null);

/// <summary>A maintenance window (<c>days</c> null: every day; <c>timeZone</c> null: UTC); the server checks each field.</summary>
internal sealed record MaintenanceWindowRequest(string? Days, string From, string To, string? TimeZone);
