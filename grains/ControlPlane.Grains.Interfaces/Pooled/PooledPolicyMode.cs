using Orleans;
namespace ControlPlane.Grains.Pooled;

/// <summary>Whether the pooled tables' row-level security policies are enforced (docs/tiers.md).</summary>
[GenerateSerializer, Alias("cp.PooledPolicyMode")]
public enum PooledPolicyMode
{
    /// <summary>Row-level security enabled and forced on every pooled table: PostgreSQL keeps tenants apart.</summary>
    Enforced,

    /// <summary>
    /// Policies defined but row-level security disabled: the data API still filters by tenant in its own SQL, so
    /// isolation rests on the application alone. A step on the way to <see cref="Enforced"/>, never a place to stay.
    /// </summary>
    Shadow,
}
