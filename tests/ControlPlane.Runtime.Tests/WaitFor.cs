namespace ControlPlane.Runtime.Tests;

internal static class WaitFor
{
    /// <summary>Polls a condition until it holds; the failure names what was awaited and what was last seen.</summary>
    public static async Task ConditionAsync(Func<bool> condition, string what, Func<string> lastSeen, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}; last seen: {lastSeen()}");
            }

            await Task.Delay(10);
        }
    }
}
