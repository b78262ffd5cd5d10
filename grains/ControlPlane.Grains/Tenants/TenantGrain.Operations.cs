using Npgsql;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Steps;
using Orleans.Runtime;

namespace ControlPlane.Grains.Tenants;

// Operator actions: each is one transaction under the tenant's row lock, checked against the transition table.
public sealed partial class TenantGrain
{
    public async Task<TenantSnapshot> RetryAsync(long? expectedEtag)
    {
        var slug = RequireSlug();
        await ActAsync(TenantAction.Retry, expectedEtag, (context, locked) =>
        {
            var row = context.Row;
            var retried = row with { State = TenantStateMachine.LeadsTo(TenantAction.Retry), Attempts = 0, NextAttemptAt = locked.DbNow };
            return Task.FromResult<StepOutcome?>(new StepOutcome(retried, new TenantEventDraft(
                row.State, retried.State, row.FailedStep, $"manual retry requested after {row.Attempts} failed attempt(s)", row.Attempts)));
        });
        Wake();
        return (await LoadAsync(slug))!;
    }

    public async Task<TenantSnapshot> SuspendAsync(long? expectedEtag)
    {
        var slug = RequireSlug();
        var changed = await ActAsync(TenantAction.Suspend, expectedEtag, async (context, _) =>
        {
            await SetServingAsync(context, serve: false);
            var row = context.Row;
            var suspended = row with { State = TenantStateMachine.LeadsTo(TenantAction.Suspend) };
            return new StepOutcome(suspended, new TenantEventDraft(
                row.State, suspended.State, null, $"suspended by operator: {Refused(row)}", 0));
        });
        if (changed)
        {
            await ClosePoolAsync();
            await TerminateRoleSessionsAsync(slug);
        }

        return (await LoadAsync(slug))!;
    }

    public async Task<TenantSnapshot> ResumeAsync(long? expectedEtag)
    {
        var slug = RequireSlug();
        var wasRetained = false;
        await ActAsync(TenantAction.Resume, expectedEtag, async (context, _) =>
        {
            await SetServingAsync(context, serve: true);
            var row = context.Row;
            wasRetained = TenantStateMachine.AwaitsPurge(row.State);
            var resumed = row with { State = TenantStateMachine.LeadsTo(TenantAction.Resume), PurgeAt = null };
            return new StepOutcome(resumed, new TenantEventDraft(
                row.State, resumed.State, null, wasRetained ? $"resumed by operator before its purge at {row.PurgeAt:u}: the purge is called off" : "resumed by operator", 0));
        });
        if (wasRetained)
        {
            await DisarmPurgeAsync();
        }

        return (await LoadAsync(slug))!;
    }

    public async Task<TenantSnapshot> DeleteAsync(long? expectedEtag)
    {
        var slug = RequireSlug();
        var wasRetained = false;
        var changed = await ActAsync(TenantAction.Delete, expectedEtag, async (context, locked) =>
        {
            wasRetained = TenantStateMachine.AwaitsPurge(context.Row.State);
            return await StartDeletingAsync(context, locked, wasRetained ? "deletion requested before the retention period ended" : "deletion requested");
        });
        if (changed)
        {
            await ClosePoolAsync();
            Wake();
            if (wasRetained)
            {
                await DisarmPurgeAsync();
            }
        }

        return (await LoadAsync(slug))!;
    }

    /// <summary>Moves the locked tenant to Deprovisioning with its drop due now: a delete's one transition (asked, or a purge).</summary>
    private async Task<StepOutcome> StartDeletingAsync(StepContext context, LockedTenant locked, string detail)
    {
        // Refuse new logins (or, pooled, hide its rows) now; the drive then ends live sessions and drops schema and role
        // (or deletes its rows).
        await SetServingAsync(context, serve: false);
        var row = context.Row;
        var deleting = row with
        {
            State = TenantStateMachine.LeadsTo(TenantAction.Delete),
            FailedStep = null,
            LastError = null,
            Attempts = 0,
            NextAttemptAt = locked.DbNow,
            PurgeAt = null,
        };
        return new StepOutcome(deleting, new TenantEventDraft(row.State, deleting.State, null, detail, 0));
    }

    /// <summary>
    /// Locks the tenant, checks membership, etag and the transition table, applies <paramref name="apply"/> and commits.
    /// Returns false when the tenant is already where the action leads (the action is idempotent).
    /// </summary>
    private async Task<bool> ActAsync(
        TenantAction action,
        long? expectedEtag,
        Func<StepContext, LockedTenant, Task<StepOutcome?>> apply)
    {
        var slug = RequireSlug();
        var cancellationToken = lifetime.ApplicationStopping;
        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = await LockForOperatorAsync(connection, transaction, slug, expectedEtag, cancellationToken);
        if (TenantStateMachine.WaitsForMove(locked.Row) && locked.Row.Move is { } move)
        {
            throw new TenantConflictException(slug.Value, $"Tenant '{slug}' is moving to the {move.To.ToText()} tier ({move.Phase}); {action.ToString().ToLowerInvariant()} can be asked once the move ends.");
        }

        if (TenantStateMachine.AlreadyThere(locked.Row.State, action))
        {
            return false;
        }

        TenantStateMachine.Ensure(slug.Value, locked.Row.State, action);
        var outcome = await apply(new StepContext(connection, transaction, locked.Row, slug, Pool, cancellationToken), locked);
        if (outcome is null)
        {
            return false;
        }

        await TenantRows.SaveAsync(connection, transaction, outcome.Row, silo.SiloId, cancellationToken, outcome.Events);
        await transaction.CommitAsync(cancellationToken);
        _serving?.Invalidate();
        LogAction(logger, slug.Value, action, locked.Row.State, outcome.Row.State);
        return true;
    }

    /// <summary>
    /// The tenant's row lock for an operator's change: refused while this silo is not a live member (its writes would
    /// be fenced out) and when <paramref name="expectedEtag"/> (If-Match) is not the row's.
    /// </summary>
    private async Task<LockedTenant> LockForOperatorAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantSlug slug, long? expectedEtag, CancellationToken cancellationToken)
    {
        var locked = await TenantLock.AcquireAsync(connection, transaction, slug.Value, silo.SiloId, settings.HeartbeatExpiry, cancellationToken)
            ?? throw new TenantNotFoundException(slug.Value);
        if (!locked.SelfAlive)
        {
            throw new SiloUnavailableException("This silo is not a live cluster member right now (it is rejoining); retry the request.");
        }

        if (expectedEtag is long etag && etag != locked.Row.Etag)
        {
            throw new TenantPreconditionFailedException(slug.Value, etag, locked.Row.Etag);
        }

        return locked;
    }

    /// <summary>
    /// Lets the tenant's data be reached again, or not, in the action's transaction: the schema tier's role logs in or
    /// not; a pooled tenant, which has no role of its own, is flagged in the pooled schema's control table, which the
    /// policies read (docs/tiers.md).
    /// </summary>
    private Task SetServingAsync(StepContext context, bool serve) => context.Row.Tier == TenantTier.Pooled
        ? Pooled.PooledOperations.SetSuspendedAsync(context, suspended: !serve)
        : TenantRoles.SetLoginAsync(context, dataSources.DatabaseName, canLogin: serve);

    /// <summary>What a suspension refuses, for the timeline.</summary>
    private static string Refused(TenantRow row) => row.Tier == TenantTier.Pooled
        ? $"flagged suspended in {row.PooledSchema}.{Pooled.PooledNames.TenantsTable}, so its rows are hidden from the pooled data role"
        : "the role cannot log in";

    private async Task TerminateRoleSessionsAsync(TenantSlug slug)
    {
        // After the commit, so a terminated pool cannot log straight back in.
        await using var command = dataSources.Registry.CreateCommand(
            "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE usename = $1");
        command.Parameters.Add(new() { Value = slug.RoleName });
        await command.ExecuteScalarAsync();
    }
}
