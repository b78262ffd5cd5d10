using ControlPlane.Runtime;

namespace ControlPlane.Runtime.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync(TimeSpan hold);

    Task<string> GetInstanceIdAsync();

    [AlwaysInterleave]
    Task<int> PeekConcurrencyAsync(TimeSpan hold);

    Task FailAsync(string message);

    Task<int> WaitAsync(TaskCompletionSource gate, CancellationToken cancellationToken);

    Task RequestDeactivationAsync();
}

/// <summary>Records what the runtime did to it so tests can assert on turn order and lifecycle.</summary>
public sealed class CounterGrain(GrainProbe probe) : Grain, ICounterGrain
{
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private int _count;
    private int _inTurn;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (probe.FailActivationFor.Contains(GetPrimaryKeyString()))
        {
            throw new InvalidOperationException($"activation of {GetPrimaryKeyString()} refused");
        }

        probe.Record($"activate:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{GetPrimaryKeyString()}:{reason}");
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync(TimeSpan hold)
    {
        var concurrent = Interlocked.Increment(ref _inTurn);
        probe.ObserveConcurrency(concurrent);
        var value = _count;
        await Task.Delay(hold);
        _count = value + 1;
        Interlocked.Decrement(ref _inTurn);
        return _count;
    }

    public Task<string> GetInstanceIdAsync() => Task.FromResult(_instanceId);

    public async Task<int> PeekConcurrencyAsync(TimeSpan hold)
    {
        var concurrent = Volatile.Read(ref _inTurn);
        await Task.Delay(hold);
        return concurrent;
    }

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public async Task<int> WaitAsync(TaskCompletionSource gate, CancellationToken cancellationToken)
    {
        await gate.Task;
        return ++_count;
    }

    public Task RequestDeactivationAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Shared, thread-safe record of grain lifecycle events.</summary>
public sealed class GrainProbe
{
    private readonly List<string> _events = [];
    private int _maxConcurrency;

    public HashSet<string> FailActivationFor { get; } = [];

    public int MaxConcurrency => Volatile.Read(ref _maxConcurrency);

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Record(string @event)
    {
        lock (_events)
        {
            _events.Add(@event);
        }
    }

    public void ObserveConcurrency(int value)
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _maxConcurrency);
        }
        while (value > seen && Interlocked.CompareExchange(ref _maxConcurrency, value, seen) != seen);
    }
}
