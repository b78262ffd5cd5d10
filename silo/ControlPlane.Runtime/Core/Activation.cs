using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Runtime.Core;

/// <summary>
/// One live instance of a grain: its mailbox, the loop that runs one turn at a time,
/// and the bookkeeping for idle deactivation.
/// </summary>
internal sealed partial class Activation
{
    private readonly Lock _gate = new();
    private readonly ObjectFactory _factory;
    private readonly Channel<Turn> _mailbox;
    private readonly Activation? _previous;
    private readonly int _capacity;
    private readonly TaskCompletionSource<Grain> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _interleaved = new();
    private ActivationState _state = ActivationState.Valid;
    private DeactivationReason _reason = DeactivationReason.IdleTimeout;
    private bool _deactivateAfterTurn;
    private int _running;
    private long _lastActivity = Environment.TickCount64;

    public Activation(GrainId id, ObjectFactory factory, GrainRuntime runtime, Activation? previous, int capacity)
    {
        Id = id;
        _factory = factory;
        Runtime = runtime;
        _previous = previous;
        _capacity = capacity;
        _mailbox = Channel.CreateBounded<Turn>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    private enum ActivationState
    {
        Valid,
        Closing,
    }

    public GrainId Id { get; }

    public GrainRuntime Runtime { get; }

    /// <summary>Completes once the grain has run <see cref="Grain.OnDeactivateAsync"/> and left the directory.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Calls waiting in the mailbox (not counting the running turn).</summary>
    public int QueuedCalls => _mailbox.Reader.Count;

    public bool IsAcceptingCalls
    {
        get
        {
            lock (_gate)
            {
                return _state == ActivationState.Valid;
            }
        }
    }

    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Queues a turn; false when the activation is closing (the caller then uses a new activation).</summary>
    public bool TryEnqueue(Turn turn)
    {
        lock (_gate)
        {
            if (_state != ActivationState.Valid)
            {
                return false;
            }

            if (!_mailbox.Writer.TryWrite(turn))
            {
                throw new MailboxFullException(Id.ToString(), _capacity);
            }

            Touch();
            return true;
        }
    }

    /// <summary>Runs an <see cref="AlwaysInterleaveAttribute"/> call beside the current turn.</summary>
    public bool TryRunInterleaved(Turn turn)
    {
        Task running;
        lock (_gate)
        {
            if (_state != ActivationState.Valid)
            {
                return false;
            }

            Touch();
            running = RunInterleavedAsync(turn);
            _interleaved.TryAdd(running, 0);
        }

        _ = running.ContinueWith(
            (t, state) => ((Activation)state!)._interleaved.TryRemove(t, out _),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }

    /// <summary>True when nothing ran or waited for longer than <paramref name="idleTimeout"/>.</summary>
    public bool IsIdle(TimeSpan idleTimeout)
    {
        lock (_gate)
        {
            return _state == ActivationState.Valid
                && Volatile.Read(ref _running) == 0
                && _mailbox.Reader.Count == 0
                && _interleaved.IsEmpty
                && Environment.TickCount64 - Interlocked.Read(ref _lastActivity) >= (long)idleTimeout.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Stops accepting calls; the calls already queued still run, then the grain deactivates.
    /// From inside a turn it takes effect when that turn ends.
    /// </summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_gate)
        {
            if (_state != ActivationState.Valid)
            {
                return;
            }

            if (reason == DeactivationReason.ApplicationRequested && Volatile.Read(ref _running) == 1)
            {
                _deactivateAfterTurn = true;
                return;
            }

            Close(reason);
        }
    }

    private void Close(DeactivationReason reason)
    {
        _state = ActivationState.Closing;
        _reason = reason;
        _mailbox.Writer.TryComplete();
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);

    private async Task RunAsync()
    {
        if (_previous is not null)
        {
            // At most one activation per key: the new one waits until the old one has fully deactivated.
            await _previous.Deactivated;
        }

        var scope = Runtime.Services.CreateAsyncScope();
        Grain grain;
        try
        {
            grain = (Grain)_factory(scope.ServiceProvider, []);
            grain.Attach(this);
            await grain.OnActivateAsync(Runtime.ShutdownToken);
            _ready.SetResult(grain);
            Runtime.OnActivated(this);
        }
        catch (Exception ex)
        {
            LogActivationFailed(Runtime.Logger, Id, ex);
            lock (_gate)
            {
                Close(DeactivationReason.ApplicationRequested);
            }

            _ready.SetException(ex);
            while (_mailbox.Reader.TryRead(out var queued))
            {
                queued.Fail(ex);
            }

            await scope.DisposeAsync();
            Runtime.Forget(this, activated: false);
            _deactivated.SetResult();
            return;
        }

        await RunTurnsAsync(grain);
        await DeactivateAsync(grain, scope);
    }

    private async Task RunTurnsAsync(Grain grain)
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var turn))
            {
                Volatile.Write(ref _running, 1);
                try
                {
                    await turn.RunAsync(grain);
                }
                catch (Exception ex)
                {
                    // A turn reports its own failures to its caller; reaching here is a runtime bug, and the loop must survive it.
                    LogTurnCrashed(Runtime.Logger, Id, ex);
                    turn.Fail(ex);
                }
                finally
                {
                    Touch();
                    lock (_gate)
                    {
                        Volatile.Write(ref _running, 0);
                        if (_deactivateAfterTurn && _state == ActivationState.Valid)
                        {
                            Close(DeactivationReason.ApplicationRequested);
                        }
                    }
                }
            }
        }
    }

    private async Task DeactivateAsync(Grain grain, AsyncServiceScope scope)
    {
        await Task.WhenAll(_interleaved.Keys);
        using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout);
        try
        {
            await grain.OnDeactivateAsync(_reason, timeout.Token);
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(Runtime.Logger, Id, ex);
        }
        finally
        {
            await scope.DisposeAsync();
            Runtime.Forget(this, activated: true);
            _deactivated.SetResult();
        }
    }

    private async Task RunInterleavedAsync(Turn turn)
    {
        Grain grain;
        try
        {
            grain = await _ready.Task;
        }
        catch (Exception ex)
        {
            turn.Fail(ex);
            return;
        }

        await turn.RunAsync(grain);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation of grain {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A turn of grain {GrainId} escaped its own error handling")]
    private static partial void LogTurnCrashed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deactivation of grain {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, GrainId grainId, Exception exception);
}
