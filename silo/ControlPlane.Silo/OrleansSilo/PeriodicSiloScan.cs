using Npgsql;

namespace ControlPlane.Silo.OrleansSilo;

/// <summary>
/// A scan of the registry that runs while this silo is an active member (<see cref="ActiveSiloLoop"/>). The
/// registry's <c>next_attempt_at</c> and leases say what is due; the scan only hands it to the grains (reminders have
/// a one-minute floor and skip missed ticks, so they cannot do this).
/// </summary>
internal abstract partial class PeriodicSiloScan(TimeSpan interval, ILogger logger) : ActiveSiloLoop
{
    /// <summary>One pass: find what is due and wake its grains.</summary>
    protected abstract Task ScanAsync(CancellationToken cancellationToken);

    protected override async Task RunAsync(CancellationToken stopping)
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
