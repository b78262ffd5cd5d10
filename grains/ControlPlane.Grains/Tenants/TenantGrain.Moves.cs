using ControlPlane.Grains.Registry;
using ControlPlane.Grains.TenantData;
using ControlPlane.Grains.Tenants.Moves;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Grains.Tenants;

// Moves between tiers (docs/tiers.md#moving-a-tenant-between-tiers): asked here, run by the drive one phase per unit.
public sealed partial class TenantGrain
{
    private readonly MoveWriteGate _moveWrites = new();

    public async Task<TenantSnapshot> MoveAsync(TenantTier tier, long? expectedEtag)
    {
        var slug = RequireSlug();
        var cancellationToken = lifetime.ApplicationStopping;
        await using (var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var locked = await LockForOperatorAsync(connection, transaction, slug, expectedEtag, cancellationToken);
            var row = locked.Row;
            if (TenantStateMachine.AlreadyIn(row, tier) || TenantStateMachine.EnsureMovable(row, tier))
            {
                // There already, or on the way: the same request again changes nothing.
                return (await LoadAsync(slug))!;
            }

            await steps.Moves.RefuseUnlessReadyAsync(connection, transaction, row, tier, cancellationToken);
            var moving = row with
            {
                Move = new TenantMove(tier, TenantMovePhase.Preparing, locked.DbNow),
                NextAttemptAt = locked.DbNow,
                FailedStep = null,
                LastError = null,
                Attempts = 0,
            };
            await TenantRows.SaveAsync(connection, transaction, moving, silo.SiloId, cancellationToken, new TenantEventDraft(
                row.State, moving.State, ProvisioningStep.Move, $"move from the {row.Tier.ToText()} tier to the {tier.ToText()} tier requested", 0));
            await transaction.CommitAsync(cancellationToken);
            LogMoveRequested(logger, slug.Value, row.Tier, tier);
        }

        _serving?.Invalidate();
        Wake();
        return (await LoadAsync(slug))!;
    }

    /// <summary>One phase of a move, in the drive's transaction.</summary>
    private async Task<StepOutcome> RunMoveAsync(WorkUnit unit, StepContext context)
    {
        switch (unit)
        {
            case WorkUnit.MovePrepare:
                return await context.UnderTimeoutsAsync(() => steps.Moves.PrepareAsync(context));
            case WorkUnit.MoveCopy:
                // The row already says writes are held; writes that passed the check just before finish first. Released
                // when the drive ends or the next phase starts, both after the switch has committed (or rolled back).
                await _moveWrites.HoldAsync(context.CancellationToken);
                return await steps.Moves.CopyAsync(context);
            case WorkUnit.MoveRemove:
                _moveWrites.Release();
                if (context.Row.Tier == TenantTier.Pooled)
                {
                    // Its own schema and role go: the pool that logs in as that role closes first.
                    await ClosePoolAsync();
                }

                return await context.UnderTimeoutsAsync(() => steps.Moves.RemoveAsync(context));
            default:
                throw new InvalidOperationException($"Tenant '{context.Slug}': {unit} is not a phase of a move.");
        }
    }

    /// <summary>A data call that writes: refused while a move copies the tenant's rows, counted while it runs.</summary>
    private MoveWriteGate.Write EnterWrite(TenantServing tenant) =>
        tenant.WritesHeld ? throw new TenantWritesHeldException(tenant.Slug) : _moveWrites.Enter(tenant.Slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: move from the {From} tier to the {To} tier requested")]
    private static partial void LogMoveRequested(ILogger logger, string slug, TenantTier from, TenantTier to);
}
