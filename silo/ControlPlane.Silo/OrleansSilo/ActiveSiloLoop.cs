namespace ControlPlane.Silo.OrleansSilo;

/// <summary>
/// Background work that runs while this silo is an active member: started when the silo reaches
/// <see cref="ServiceLifecycleStage.Active"/> and stopped when it leaves that stage on shutdown, before Orleans
/// deactivates grains and leaves the cluster. The one home of that start and stop, for the registry scans and the
/// webhook dispatcher alike.
/// </summary>
internal abstract class ActiveSiloLoop : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping?.Dispose();

    /// <summary>The work, until <paramref name="stopping"/> is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stopping);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _loop is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
