namespace ControlPlane.Runtime;

/// <summary>Thrown to a caller when the target activation's mailbox is at capacity.</summary>
/// <remarks>Callers should back off and retry; the HTTP layer answers 503 with Retry-After.</remarks>
public sealed class MailboxFullException(string grainId, int capacity)
    : Exception($"The mailbox of grain {grainId} is full ({capacity} calls waiting); retry later.")
{
    /// <summary>The grain whose mailbox was full.</summary>
    public string GrainId { get; } = grainId;

    /// <summary>The configured mailbox capacity.</summary>
    public int Capacity { get; } = capacity;
}
