namespace ControlPlane.Cli;

/// <summary>Exit codes, one per class of failure, so scripts can tell them apart (listed in <c>--help</c>).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Unauthorized = 4;
    public const int NotFound = 5;
    public const int Conflict = 6;
    public const int InvalidRequest = 7;
    public const int ServerError = 8;
    public const int RolloutHalted = 10;
    public const int RolloutCancelled = 11;
    public const int TenantFailed = 12;
    public const int TimedOut = 13;
    public const int Interrupted = 130;

    /// <summary>The table printed at the end of <c>controlplane --help</c>.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> All =
    [
        (Success, "success (a watched rollout Completed, a waited-for tenant is Active)"),
        (Unexpected, "unexpected error"),
        (Usage, "invalid command line"),
        (Unreachable, "the API could not be reached (or did not answer as the control plane)"),
        (Unauthorized, "no API key, or the API refused it (401/403)"),
        (NotFound, "no such tenant or rollout (404)"),
        (Conflict, "not allowed in the current state, another rollout is open, unaccepted lint errors, or a stale ETag (409/412)"),
        (InvalidRequest, "the API rejected the request as invalid (400)"),
        (ServerError, "the API failed or is busy (5xx)"),
        (RolloutHalted, "the watched rollout halted (failure threshold crossed)"),
        (RolloutCancelled, "the watched rollout was cancelled"),
        (TenantFailed, "the tenant failed and no automatic retry is left"),
        (TimedOut, "--timeout passed before the wait ended"),
        (Interrupted, "interrupted (Ctrl-C, or a declined confirmation)"),
    ];
}
