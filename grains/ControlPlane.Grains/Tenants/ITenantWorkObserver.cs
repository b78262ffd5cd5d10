namespace ControlPlane.Grains.Tenants;

/// <summary>
/// Called before each unit of a tenant's work, outside its transaction. The seam for fault injection
/// (a test stops a grain between steps) and for instrumentation; none is registered by default.
/// </summary>
public interface ITenantWorkObserver
{
    /// <summary>Runs before <paramref name="unit"/>; throwing <see cref="OperationCanceledException"/> stops the drive as a crash would.</summary>
    Task OnUnitStartingAsync(string slug, WorkUnit unit, CancellationToken cancellationToken);
}
