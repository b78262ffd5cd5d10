using System.Globalization;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Locks;

/// <summary>
/// The lock and statement timeouts one unit of tenant DDL runs under: the rollout's where it gave them, the
/// deployment's otherwise. Applied with <c>set_config(..., true)</c> (the transaction's own) around the DDL, or at
/// session level and reset afterwards for a no-transaction migration, so a pooled connection never keeps them.
/// </summary>
public sealed record DdlTimeouts(TimeSpan LockTimeout, TimeSpan StatementTimeout)
{
    public static DdlTimeouts Resolve(MigrationLimits? limits, MigrationOptions options) => new(
        limits?.LockTimeout ?? options.LockTimeout,
        limits?.StatementTimeout ?? options.StatementTimeout);

    /// <summary>Sets the timeouts for the rest of the transaction, from the next statement on.</summary>
    public NpgsqlBatchCommand Enter() => Local(EnterSettings);

    /// <summary>
    /// <see cref="Enter"/>'s settings, for a caller that sets them in a statement it sends anyway (one statement fewer
    /// per tenant in a rollout: <see cref="Migrations.AppliedMigrations.StartTimed"/>).
    /// </summary>
    public IReadOnlyList<LocalSetting> EnterSettings =>
        [new("lock_timeout", Milliseconds(LockTimeout)), new("statement_timeout", Milliseconds(StatementTimeout))];

    /// <summary>Puts the session's lock timeout back (no statement timeout) for the registry statements after the DDL.</summary>
    public static NpgsqlBatchCommand Leave(TimeSpan sessionLockTimeout) => Local(LeaveSettings(sessionLockTimeout));

    /// <summary><see cref="Leave"/>'s settings, for a caller that sets them in a statement it sends anyway.</summary>
    public static IReadOnlyList<LocalSetting> LeaveSettings(TimeSpan sessionLockTimeout) =>
        [new("lock_timeout", Milliseconds(sessionLockTimeout)), new("statement_timeout", "0")];

    /// <summary>The session-level form, for a no-transaction migration (undone by <see cref="ResetSession"/>).</summary>
    public string SetSession() =>
        $"SET lock_timeout = {Milliseconds(LockTimeout)}; SET statement_timeout = {Milliseconds(StatementTimeout)}";

    /// <summary>Back to the values the connection opened with.</summary>
    public const string ResetSession = "RESET lock_timeout; RESET statement_timeout";

    /// <summary>A readable form for errors and the timeline ("1000 ms").</summary>
    public static string Describe(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"{(long)timeout.TotalMilliseconds} ms");

    private static NpgsqlBatchCommand Local(IReadOnlyList<LocalSetting> settings)
    {
        var command = new NpgsqlBatchCommand("SELECT " + LocalSetting.Columns(settings, firstParameter: 1));
        LocalSetting.AddParameters(command, settings);
        return command;
    }

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
