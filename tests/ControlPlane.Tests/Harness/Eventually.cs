namespace ControlPlane.Tests.Harness;

/// <summary>Polls a condition until it holds, failing with what was awaited and what was last seen.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(
        Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task<string>>? seen = null, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s waiting for {what}." + (seen is null ? string.Empty : $" Last seen: {await seen()}"));
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Reads until the value read satisfies <paramref name="until"/> and returns it; the failure describes the last value read.</summary>
    public static async Task<T> ReadsAsync<T>(
        Func<Task<T>> read, Func<T, bool> until, string what, Func<T, string> describe, TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var last = default(T)!;
        await HoldsAsync(async () => until(last = await read()), what, timeout, () => Task.FromResult(describe(last)), every);
        return last;
    }
}
