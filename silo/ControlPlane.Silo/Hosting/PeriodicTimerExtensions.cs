namespace ControlPlane.Silo.Hosting;

/// <summary>The loop condition of the silo's periodic services.</summary>
internal static class PeriodicTimerExtensions
{
    /// <summary>Waits for the next tick; false once the silo is stopping (instead of throwing), which ends the loop.</summary>
    public static async Task<bool> TickOrStopAsync(this PeriodicTimer timer, CancellationToken stopping)
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
}
