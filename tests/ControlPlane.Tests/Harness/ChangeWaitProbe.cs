using System.Collections.Concurrent;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// The silo's change feed with a barrier for the test: <see cref="Waiting"/> completes once someone waits for a change
/// of that tenant (a GET with <c>Prefer: wait</c>), so the test changes the tenant only after the request is parked.
/// </summary>
public sealed class ChangeWaitProbe(ITenantChangeWaiter feed) : ITenantChangeWaiter
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();

    /// <summary>Completes when a subscription to <paramref name="slug"/> starts waiting.</summary>
    public Task Waiting(string slug) => Signal(slug).Task;

    public ITenantChangeSubscription Subscribe(string slug) => new Subscription(feed.Subscribe(slug), Signal(slug));

    private TaskCompletionSource Signal(string slug) =>
        _waiting.GetOrAdd(slug, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    // The subscription already collects changes from its start, so signalling just before its wait loses none.
    private sealed class Subscription(ITenantChangeSubscription inner, TaskCompletionSource waiting) : ITenantChangeSubscription
    {
        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            waiting.TrySetResult();
            return inner.WaitAsync(timeout, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
