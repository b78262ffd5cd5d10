namespace ControlPlane.Registry.Contracts.Stats;

/// <summary>
/// The time from each tenant's first Requested entry to its first Active entry on its timeline, for the tenants that
/// became Active in the window, in milliseconds, fastest first.
/// </summary>
public sealed record OnboardingLatencies(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<double> Milliseconds);
