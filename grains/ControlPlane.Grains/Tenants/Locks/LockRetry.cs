using ControlPlane.Grains.Migrations;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Locks;

/// <summary>Which errors are a lock wait that gave up (tried again) rather than a failure, and how long to pause.</summary>
public static class LockRetry
{
    /// <summary>True for PostgreSQL's lock_not_available, however the step wrapped it.</summary>
    public static bool IsLockTimeout(Exception ex) => Postgres(ex)?.SqlState == PostgresErrorCodes.LockNotAvailable;

    /// <summary>True for a statement cancelled by <c>statement_timeout</c>: a failure of the tenant, never retried.</summary>
    public static bool IsStatementTimeout(Exception ex) => Postgres(ex)?.SqlState == PostgresErrorCodes.QueryCanceled;

    /// <summary>
    /// Exponential backoff with full jitter: a pause drawn uniformly below base x 2^(tries-1), capped, so tenants that
    /// gave up together do not come back together (AWS' "full jitter").
    /// </summary>
    public static TimeSpan Delay(int tries, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        var ceiling = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(tries - 1, 30)), maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * Math.Clamp(random01, 0, 1));
    }

    /// <summary>The error a tenant records when its tries ran out.</summary>
    public static string Exhausted(string error, int tries, TimeSpan lockTimeout) =>
        $"{error} (gave up after {tries} tries, each waiting at most {DdlTimeouts.Describe(lockTimeout)} for a lock)";

    /// <summary>The error a tenant records when a statement ran past the statement timeout.</summary>
    public static string TimedOut(string error, TimeSpan statementTimeout) =>
        $"{error} (a statement ran longer than the statement timeout of {DdlTimeouts.Describe(statementTimeout)})";

    private static PostgresException? Postgres(Exception ex) => ex as PostgresException ?? ex.InnerException as PostgresException;
}
