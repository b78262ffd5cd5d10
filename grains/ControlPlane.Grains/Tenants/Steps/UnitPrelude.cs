using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// A unit's statements sent ahead, in the round trip of its tenant's registration and row lock, when the unit is known
/// before the lock answers: a new tenant whose whole onboarding is one short unit (<see cref="Pooled.PooledSteps"/>).
/// The lock's batch runs them after its own statements (<see cref="TenantLock.AcquireAsync"/>) and hands their first
/// answer to <see cref="ReadAsync"/>; the unit then finishes from what was read, one round trip and one silo turn sooner,
/// and every statement is still in the unit's transaction. The registration that goes with a prelude fails when the
/// slug exists (no statement after it runs), so a prelude never touches another tenant's data.
/// </summary>
public abstract class UnitPrelude
{
    /// <summary>The statements, in order; the first that returns rows is the one <see cref="ReadAsync"/> reads.</summary>
    public abstract IReadOnlyList<NpgsqlBatchCommand> Commands { get; }

    /// <summary>The unit the prelude belongs to: any other, and the turn rolls back without running it.</summary>
    public abstract WorkUnit Unit { get; }

    /// <summary>
    /// Reads the answer, the reader at the prelude's first statement that returns rows. What follows (inserts) runs as
    /// the reader closes, and its errors surface from the lock's call, rolling the whole unit back.
    /// </summary>
    public abstract Task ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken);
}
