using System.Diagnostics;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// Applies a tenant's pending migrations one at a time, each in its own transaction together with its record
/// and the tenant's version, so a tenant is never half-migrated. Moves <c>SchemaCreated → Migrated</c> when none remain.
/// </summary>
public sealed class MigrateStep(MigrationCatalog catalog)
{
    /// <summary>Works out what to do next for the locked tenant (in <paramref name="context"/>'s transaction).</summary>
    public MigrationPlan Plan(StepContext context)
    {
        var set = catalog.CurrentFor(context.UpgradeTarget);
        var applied = context.Applied;
        var drift = MigrationDriftCheck.Find(applied, set);
        if (drift.Count > 0)
        {
            throw new StepFailedException($"Migration drift for tenant '{context.Row.Slug}': {MigrationDriftCheck.Describe(drift)}. Restore the files or repair the record; nothing was applied.", retryable: false);
        }

        var target = context.UpgradeTarget ?? set.LatestVersion;
        if (target > set.LatestVersion)
        {
            throw new StepFailedException($"Target version {target} is not in the catalogue (newest is {set.LatestVersion}).", retryable: false);
        }

        var unfinished = applied.FirstOrDefault(a => a.Status != AppliedMigrationStatus.Applied);
        if (unfinished is not null)
        {
            var script = set.ByVersion.GetValueOrDefault(unfinished.Version)
                ?? throw new StepFailedException($"V{unfinished.Version:0000} needs repair but its file is gone.", retryable: false);
            return new MigrationPlan(script, Repair: true, target);
        }

        var newest = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        var next = set.Scripts.FirstOrDefault(s => s.Version > newest && s.Version <= target);
        return new MigrationPlan(next, Repair: false, target);
    }

    /// <summary>The outcome when nothing is pending: a provisioning tenant becomes Migrated; an upgrade is complete.</summary>
    public static StepOutcome Complete(StepContext context, int target)
    {
        var row = context.Row;
        if (row.State == TenantStateMachine.From(ProvisioningStep.Migrate))
        {
            var migrated = row with { State = TenantStateMachine.To(ProvisioningStep.Migrate) };
            return new StepOutcome(migrated, new TenantEventDraft(row.State, migrated.State, ProvisioningStep.Migrate, $"at version {row.MigrationVersion}", row.Attempts + 1));
        }

        return new StepOutcome(row);
    }

    /// <summary>
    /// One transactional migration, to run inside the step's transaction with its record: its statements are deferred
    /// to the row's save, so path, script, record, row and commit reach the server in one round trip (a rollout over
    /// thousands of tenants pays for every extra one).
    /// </summary>
    public static StepOutcome Apply(StepContext context, MigrationScript script, int target)
    {
        ProvisioningTelemetry.Migrating(script.Version, script.Name);
        return Applied(context, script, target, took: null) with
        {
            Deferred = Statements(context, script, underTimeouts: context.Timeouts is not null),
            DeferredScript = script,
            AlsoRun = [AppliedMigrations.UpsertTimed(context.Row.Slug, script)],
        };
    }

    /// <summary>
    /// <see cref="Apply"/> for a member of a migration group (Tenants/Groups): the same statements, but the version
    /// record is the group's to write, with the other members' in one statement (<see cref="StepOutcome.VersionRecord"/>);
    /// the migration's duration waits in the member's <paramref name="slot"/> setting until then.
    /// </summary>
    public static StepOutcome ApplyInGroup(StepContext context, MigrationScript script, int target, int slot)
    {
        ProvisioningTelemetry.Migrating(script.Version, script.Name);
        var duration = AppliedMigrations.DurationSetting(slot);
        return Applied(context, script, target, took: null) with
        {
            Deferred = Statements(context, script, underTimeouts: context.Timeouts is not null, durationInto: duration),
            DeferredScript = script,
            VersionRecord = new TimedVersionRecord(context.Row.Slug, script, duration),
        };
    }

    /// <summary>
    /// A transactional migration's statements as they are sent: on the tenant's path, timed by the server, then the
    /// session's path back; with <paramref name="underTimeouts"/>, under the unit's DDL timeouts and the session's
    /// lock timeout after (a caller already under them, <see cref="BuildStep"/>, passes false).
    /// </summary>
    public static List<NpgsqlBatchCommand> Statements(StepContext context, MigrationScript script, bool underTimeouts, string? durationInto = null)
    {
        // The timeouts ride in the path's two statements around the script rather than in two of their own.
        var timeouts = underTimeouts ? context.Timeouts : null;
        var commands = new List<NpgsqlBatchCommand> { AppliedMigrations.StartTimed(PgIdentifier.Quote(context.Slug.SchemaName), timeouts?.EnterSettings) };
        foreach (var statement in script.Statements)
        {
            commands.Add(new NpgsqlBatchCommand(statement));
        }

        commands.Add(AppliedMigrations.RestorePath(timeouts is null ? null : Locks.DdlTimeouts.LeaveSettings(context.SessionLockTimeout), durationInto));
        return commands;
    }

    /// <summary>The row after <paramref name="script"/> is applied: new version, and Migrated when it was the last one.</summary>
    public static StepOutcome Applied(StepContext context, MigrationScript script, int target, TimeSpan? took)
    {
        var row = context.Row;
        var updated = row with { MigrationVersion = script.Version, FailedStep = null, LastError = null, Attempts = 0 };
        var detail = $"applied V{script.Version:0000} {script.Name}" + (took is { } ran ? $" ({ran.TotalMilliseconds:0} ms)" : string.Empty)
            + (context.RolloutId is { } rollout ? $" for rollout {rollout}" : string.Empty)
            + (context.Try > 1 ? $" at try {context.Try} (earlier tries gave up waiting for a lock)" : string.Empty);
        if (script.Version >= target && row.State == TenantStateMachine.From(ProvisioningStep.Migrate))
        {
            updated = updated with { State = TenantStateMachine.To(ProvisioningStep.Migrate) };
        }

        return new StepOutcome(updated, new TenantEventDraft(row.State, updated.State, ProvisioningStep.Migrate, detail, row.Attempts + 1));
    }
}

/// <summary>The next migration for a tenant; <see cref="Script"/> is null when none is pending.</summary>
/// <param name="Script">The migration to run.</param>
/// <param name="Repair">True when a no-transaction migration failed earlier and must be cleaned up first.</param>
/// <param name="Target">The version being migrated to.</param>
public sealed record MigrationPlan(MigrationScript? Script, bool Repair, int Target);
