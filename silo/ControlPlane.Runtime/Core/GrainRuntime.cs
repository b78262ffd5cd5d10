using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ControlPlane.Runtime.Telemetry;
using System.Reflection;
using ControlPlane.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Runtime.Core;

/// <summary>
/// The silo's actor runtime: the directory of live activations, the factory of grain references,
/// and idle collection. One instance per silo.
/// </summary>
public sealed partial class GrainRuntime : IGrainFactory, IDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _directory = new();

    // References are immutable and safe to share, and creating a proxy is costly (reflection that emits an invoke stub
    // per call, then finalizes it): a tenant request would pay it every time. Bounded: cleared when it grows past the cap.
    private readonly ConcurrentDictionary<(Type Interface, string Key), object> _references = new();
    private const int MaxCachedReferences = 100_000;
    private readonly FrozenDictionary<Type, GrainInterfaceMap> _interfaces;
    private readonly FrozenDictionary<Type, ObjectFactory> _factories;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Once _stop = new();
    private readonly Meter? _meter;
    private readonly Counter<long>? _activations;
    private long _activationsCreated;
    private volatile bool _stopping;

    /// <summary>Creates the runtime for the registered grains.</summary>
    public GrainRuntime(
        IServiceProvider services,
        IEnumerable<GrainRegistration> registrations,
        IOptions<GrainRuntimeOptions> options,
        ILogger<GrainRuntime> logger,
        IMeterFactory? meters = null)
    {
        Services = services;
        Options = options.Value;
        Logger = logger;
        _interfaces = registrations
            .Select(r => new GrainInterfaceMap(r.InterfaceType, r.GrainType))
            .ToFrozenDictionary(m => m.InterfaceType);
        _factories = _interfaces.Values.DistinctBy(m => m.GrainType).ToFrozenDictionary(m => m.GrainType, m => m.Factory);

        // A meter of this runtime's own (from the host's factory), so two silos in one process never mix their readings.
        _meter = meters?.Create(RuntimeTelemetry.MeterName);
        _activations = _meter?.CreateCounter<long>("controlplane.grain.activations", "{activation}", "Grain activations created.");
        _meter?.CreateObservableUpDownCounter("controlplane.grain.active", () => ActivationCount, "{activation}", "Grain activations alive now.");
        _meter?.CreateObservableGauge("controlplane.grain.mailbox.depth", () => QueuedCalls, "{call}", "Calls waiting in all grain mailboxes.");
    }

    /// <summary>Raised after an activation finished <see cref="Grain.OnActivateAsync"/>.</summary>
    public event Action<GrainId>? Activated;

    /// <summary>Raised after an activation finished <see cref="Grain.OnDeactivateAsync"/> and left the directory.</summary>
    public event Action<GrainId>? Deactivated;

    /// <summary>Live activations, by grain type name.</summary>
    public int ActivationCount => _directory.Count;

    /// <summary>Activations created since start.</summary>
    public long ActivationsCreated => Interlocked.Read(ref _activationsCreated);

    /// <summary>Calls waiting in all mailboxes.</summary>
    public int QueuedCalls => _directory.Values.Sum(a => a.QueuedCalls);

    internal IServiceProvider Services { get; }

    internal GrainRuntimeOptions Options { get; }

    internal ILogger Logger { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    /// <inheritdoc />
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        if (!_interfaces.TryGetValue(typeof(TGrainInterface), out var map))
        {
            throw new InvalidOperationException($"No grain class is registered for {typeof(TGrainInterface).Name}.");
        }

        if (_references.TryGetValue((typeof(TGrainInterface), primaryKey), out var cached))
        {
            return (TGrainInterface)cached;
        }

        var proxy = map.NewReference<TGrainInterface>();
        proxy.Bind(this, map, new GrainId(map.GrainType, primaryKey));
        var reference = (TGrainInterface)(object)proxy;
        if (_references.Count >= MaxCachedReferences)
        {
            _references.Clear();
        }

        _references[(typeof(TGrainInterface), primaryKey)] = reference;
        return reference;
    }

    /// <summary>True when the grain has a live activation in this silo.</summary>
    public bool IsActive<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey =>
        _interfaces.TryGetValue(typeof(TGrainInterface), out var map)
        && _directory.TryGetValue(new GrainId(map.GrainType, primaryKey), out var activation)
        && activation.IsAcceptingCalls;

    /// <summary>Deactivates activations that have been idle past <see cref="GrainRuntimeOptions.IdleTimeout"/>.</summary>
    public int CollectIdleActivations()
    {
        var collected = 0;
        foreach (var activation in _directory.Values)
        {
            if (activation.IsIdle(Options.IdleTimeout))
            {
                activation.RequestDeactivation(DeactivationReason.IdleTimeout);
                collected++;
            }
        }

        return collected;
    }

    /// <summary>Deactivates every activation (after its queued calls) and waits for them, up to the deactivation timeout.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason)
    {
        var activations = _directory.Values.ToArray();
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(reason);
        }

        var all = Task.WhenAll(activations.Select(a => a.Deactivated));
        if (await Task.WhenAny(all, Task.Delay(Options.DeactivationTimeout)) != all)
        {
            LogDeactivationTimedOut(Logger, reason, activations.Count(a => !a.Deactivated.IsCompleted));
        }
    }

    /// <summary>Refuses new calls and deactivates everything: the silo is shutting down.</summary>
    public Task StopAsync() => _stop.RunAsync(async () =>
    {
        _stopping = true;
        await DeactivateAllAsync(DeactivationReason.ShuttingDown);
        await _shutdown.CancelAsync();
    });

    /// <inheritdoc />
    public void Dispose()
    {
        _shutdown.Dispose();
        _meter?.Dispose();
    }

    internal Task Invoke(GrainId id, GrainMethod method, object?[] arguments, GrainTelemetry telemetry)
    {
        var turn = method.NewTurn(arguments);

        // The caller's span (an API request, another grain's turn) is the parent of the turn's span.
        turn.Trace(Activity.Current?.Context ?? default, telemetry, Logger);
        try
        {
            while (true)
            {
                var activation = GetOrCreateActivation(id);
                var accepted = method.IsInterleaving ? activation.TryRunInterleaved(turn) : activation.TryEnqueue(turn);
                if (accepted)
                {
                    return turn.CallerTask;
                }

                // The activation began deactivating between lookup and enqueue: the next lookup replaces it.
            }
        }
        catch (Exception ex) when (ex is MailboxFullException or SiloUnavailableException)
        {
            // Refusals reach the caller as a faulted task, like any grain failure.
            turn.Fail(ex);
            return turn.CallerTask;
        }
    }

    internal void OnActivated(Activation activation) => Activated?.Invoke(activation.Id);

    internal void Forget(Activation activation, bool activated)
    {
        _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
        if (activated)
        {
            Deactivated?.Invoke(activation.Id);
        }
    }

    private Activation GetOrCreateActivation(GrainId id)
    {
        while (true)
        {
            if (_stopping)
            {
                throw new SiloUnavailableException("The silo is shutting down and accepts no new grain calls.");
            }

            if (_directory.TryGetValue(id, out var current))
            {
                if (current.IsAcceptingCalls)
                {
                    return current;
                }

                var replacement = new Activation(id, _factories[id.GrainType], this, previous: current, Options.MailboxCapacity);
                if (_directory.TryUpdate(id, replacement, current))
                {
                    Start(replacement);
                    return replacement;
                }

                continue;
            }

            var fresh = new Activation(id, _factories[id.GrainType], this, previous: null, Options.MailboxCapacity);
            if (_directory.TryAdd(id, fresh))
            {
                Start(fresh);
                return fresh;
            }
        }
    }

    private void Start(Activation activation)
    {
        Interlocked.Increment(ref _activationsCreated);
        _activations?.Add(1, new KeyValuePair<string, object?>("grain.type", activation.Id.GrainType.Name));
        activation.Start();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deactivation for {Reason} timed out with {Remaining} activations still running")]
    private static partial void LogDeactivationTimedOut(ILogger logger, DeactivationReason reason, int remaining);
}
