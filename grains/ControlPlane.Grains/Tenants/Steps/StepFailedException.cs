namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>A step found a problem that is not a database error; <see cref="Retryable"/> says whether waiting can help.</summary>
public sealed class StepFailedException(string message, bool retryable) : Exception(message)
{
    /// <summary>False when retrying the same step cannot succeed without an operator's change (drift, a foreign role).</summary>
    public bool Retryable { get; } = retryable;
}
