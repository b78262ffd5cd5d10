namespace ControlPlane.Cli.Contracts;

/// <summary>The rollout states the client reasons about (the server's <c>RolloutState</c> names).</summary>
internal static class RolloutStates
{
    public const string Scheduled = "Scheduled";
    public const string WaitingForWindow = "WaitingForWindow";
    public const string Running = "Running";
    public const string Paused = "Paused";
    public const string Halted = "Halted";
    public const string Completed = "Completed";
    public const string Cancelled = "Cancelled";

    /// <summary>A watch ends here: nothing more happens without an operator.</summary>
    public static bool EndsWatch(string state) => state is Completed or Halted or Cancelled;
}
