namespace ControlPlane.Registry.Contracts.Pooled;

/// <summary>Enforcement refused: the tables named are not ready (<see cref="PooledTablePolicy.NotReadyBecause"/>). Nothing was changed.</summary>
public sealed class PooledPoliciesNotReadyException(string schema, IReadOnlyList<PooledTablePolicy> tables)
    : Exception($"The pooled schema '{schema}' cannot be enforced; nothing was changed. Not ready: {string.Join("; ", tables.Select(t => $"{t.Table} ({string.Join(", ", t.NotReadyBecause)})"))}.")
{
    public string Schema { get; } = schema;

    public IReadOnlyList<PooledTablePolicy> Tables { get; } = tables;
}
