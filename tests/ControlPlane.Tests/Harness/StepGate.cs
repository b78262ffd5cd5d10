using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// Holds one tenant's drive before a chosen unit, as a grain stopped between steps: either until released,
/// or by throwing as if the activation died there.
/// </summary>
public sealed class StepGate(string gatedSlug, WorkUnit before, bool crash) : ITenantWorkObserver
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _crashes;

    /// <summary>Completes when the drive arrives at the gate.</summary>
    public Task Reached => _reached.Task;

    public int Crashes => Volatile.Read(ref _crashes);

    public void Release() => _release.TrySetResult();

    public async Task OnUnitStartingAsync(string slug, WorkUnit unit, CancellationToken cancellationToken)
    {
        if (slug != gatedSlug || unit != before)
        {
            return;
        }

        _reached.TrySetResult();
        if (crash && Interlocked.Increment(ref _crashes) == 1)
        {
            throw new OperationCanceledException($"test: the grain of {slug} stops before {unit}");
        }

        await _release.Task.WaitAsync(cancellationToken);
    }
}
