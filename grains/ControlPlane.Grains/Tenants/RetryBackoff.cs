namespace ControlPlane.Grains.Tenants;

/// <summary>Exponential backoff with jitter for automatic retries.</summary>
public static class RetryBackoff
{
    /// <summary>
    /// The delay before retrying after <paramref name="attempts"/> failures: base x 2^(attempts-1), capped,
    /// plus up to 20% jitter so tenants that failed together do not retry together.
    /// </summary>
    public static TimeSpan Delay(int attempts, TimeSpan baseDelay, TimeSpan maxDelay, double jitter01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (0.2 * Math.Clamp(jitter01, 0, 1))));
    }
}
