namespace ControlPlane.Grains.Pooled;

/// <summary>What a tenant grain needs of the pooled tier, gathered so the grain's constructor stays readable.</summary>
public sealed record PooledTier(PooledStore Store, PooledSteps Steps, PooledDataSource Data, PooledTables Tables);
