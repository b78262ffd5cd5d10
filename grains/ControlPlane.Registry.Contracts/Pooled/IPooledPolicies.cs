using ControlPlane.Grains.Pooled;

namespace ControlPlane.Registry.Contracts.Pooled;

/// <summary>The pooled schema's row-level security as PostgreSQL has it, and the switch between its modes (docs/tiers.md).</summary>
public interface IPooledPolicies
{
    /// <summary>Every table of the pooled schema and its policy state; <see cref="PooledSchemaNotMadeException"/> before the schema exists.</summary>
    Task<PooledPolicyReport> ReportAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sets the pooled schema's mode (making the schema first when it does not exist yet) and applies it to every
    /// table, in one transaction holding the schema's registry row. Switching to the mode it is in changes nothing.
    /// <see cref="PooledPoliciesNotReadyException"/> when <see cref="PooledPolicyMode.Enforced"/> is asked while a
    /// table is not ready; nothing is changed then.
    /// </summary>
    Task<PooledPolicySwitch> SwitchAsync(PooledPolicyMode mode, CancellationToken cancellationToken);
}

/// <summary>The outcome of a switch: the report after it, and the mode it was in before.</summary>
public sealed record PooledPolicySwitch(PooledPolicyReport Report, PooledPolicyMode Previous, bool Created);
