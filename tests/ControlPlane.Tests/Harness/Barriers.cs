namespace ControlPlane.Tests.Harness;

/// <summary>Waits at an explicit barrier (a task another party completes), failing with what was awaited on timeout.</summary>
public static class Barriers
{
    public static async Task WaitOrFailAsync(this Task barrier, TimeSpan timeout, string what)
    {
        try
        {
            await barrier.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
        }
    }

    public static async Task<T> WaitOrFailAsync<T>(this Task<T> barrier, TimeSpan timeout, string what)
    {
        await ((Task)barrier).WaitOrFailAsync(timeout, what);
        return await barrier;
    }
}
