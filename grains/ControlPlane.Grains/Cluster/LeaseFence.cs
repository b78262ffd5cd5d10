namespace ControlPlane.Grains.Cluster;

/// <summary>
/// The one home of the fence's SQL. A lease (a tenant's or a rollout's) is held by a silo incarnation named by its
/// <see cref="SiloIdentity.SiloId"/>; it counts only while that incarnation is a live member: Active (status 3) in
/// Orleans' membership table, with its heartbeat there, written by the database's clock, younger than the expiry.
/// Orleans' vote declares a silent silo Dead within seconds; the heartbeat bound also frees the leases of a cluster
/// that died whole, when no survivor is left to vote. Every statement that claims, keeps or checks a lease says it
/// through these fragments, so the rule is written once.
/// </summary>
/// <remarks>
/// The rule is spelled inline rather than called as a SQL function (R0008 had one; R0018 drops it): PostgreSQL cannot
/// inline a function whose body holds a subquery, so each call planned the body afresh, and the tenant lock, taken once
/// per unit of work, spent more time in that than in the lock itself. Inline, the check is part of the statement's
/// own prepared plan.
/// </remarks>
public static class LeaseFence
{
    /// <summary>True when the silo named by <paramref name="silo"/> (a SQL expression) is a live member.</summary>
    public static string IsLive(string silo, string expiry) =>
        $"EXISTS (SELECT 1 FROM orleans.membership fence_m WHERE fence_m.silo_key = {silo} AND fence_m.status = 3 AND fence_m.heartbeat_at > statement_timestamp() - {expiry})";

    /// <summary>True when <paramref name="self"/> may take or keep the lease in <paramref name="owner"/>: it is free, its own, or its holder is not live.</summary>
    public static string Claimable(string owner, string self, string expiry) =>
        $"({owner} IS NULL OR {owner} = {self} OR NOT {IsLive(owner, expiry)})";
}
