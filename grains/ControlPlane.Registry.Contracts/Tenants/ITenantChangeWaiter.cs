namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>Lets a caller wait for a tenant to change instead of polling for it (cluster-wide).</summary>
public interface ITenantChangeWaiter
{
    /// <summary>Starts watching one tenant. Subscribe before reading its state, so no change can slip in between.</summary>
    ITenantChangeSubscription Subscribe(string slug);
}

/// <summary>A watch on one tenant; dispose it when done.</summary>
public interface ITenantChangeSubscription : IDisposable
{
    /// <summary>Completes when a change is announced, or after <paramref name="timeout"/>; true when announced.</summary>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
