using Npgsql;

namespace ControlPlane.Silo.OrleansSilo;

/// <summary>
/// A scan of the registry that runs while this silo is an active member: started when the silo reaches
/// <see cref="ServiceLifecycleStage.Active"/> and stopped when it leaves that stage on shutdown, before Orleans
/// deactivates grains and leaves the cluster. The registry's <c>next_attempt_at</c> and leases say what is due; the
/// scan only hands it to the grains (reminders have a one-minute floor and skip missed ticks, so they cannot do this).
/// </summary>
internal abstract partial class PeriodicSiloScan(TimeSpan interval, ILogger logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>One pass: find what is due and wake its grains.</summary>
    protected abstract Task ScanAsync(CancellationToken cancellationToken);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
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

    public void Dispose() => _stopping?.Dispose();

    private async Task LoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await ScanAsync(stopping);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stopping.IsCancellationRequested)
            {
                LogScanFailed(logger, GetType().Name, ex);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
        while (await TickAsync(timer, stopping));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Scan} failed; trying again next interval")]
    private static partial void LogScanFailed(ILogger logger, string scan, Exception exception);
}
