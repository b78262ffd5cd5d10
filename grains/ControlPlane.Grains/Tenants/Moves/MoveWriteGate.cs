namespace ControlPlane.Grains.Tenants.Moves;

/// <summary>
/// The grain's side of holding writes during a move's copy. The registry row says when writes are held (the serving
/// status reads it), but a write that passed that check just before the phase was announced may still be running:
/// the copy waits for those to finish and refuses new ones until the drive releases it after the switch commits.
/// </summary>
internal sealed class MoveWriteGate
{
    private readonly Lock _lock = new();
    private int _inFlight;
    private bool _held;
    private TaskCompletionSource? _drained;

    /// <summary>A write starts; throws <see cref="TenantWritesHeldException"/> while writes are held.</summary>
    public Write Enter(string slug)
    {
        lock (_lock)
        {
            if (_held)
            {
                throw new TenantWritesHeldException(slug);
            }

            _inFlight++;
            return new Write(this);
        }
    }

    /// <summary>Refuses new writes and completes once the writes already running have finished.</summary>
    public Task HoldAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _held = true;
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Lets writes in again (the serving status decides from then on); harmless when nothing is held.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _held = false;
            _drained?.TrySetResult();
            _drained = null;
        }
    }

    private void Exit()
    {
        lock (_lock)
        {
            if (--_inFlight == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>One write in flight, until disposed.</summary>
    public sealed class Write(MoveWriteGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Exit();
            }
        }
    }
}
