namespace ControlPlane.Grains.Cluster;

/// <summary>
/// The one home of the fence's SQL. A lease (a tenant's or a rollout's) is held by a silo incarnation named by its
/// <see cref="SiloIdentity.SiloId"/>; it counts only while that incarnation is a live member, as the registry function
/// <c>controlplane.is_live_member(silo, expiry)</c> judges it (R0008: Active in Orleans' membership table, heartbeat
/// younger than the expiry by the database's clock). Every statement that claims, keeps or checks a lease says it
/// through these fragments, so the rule is written once.
/// </summary>
public static class LeaseFence
{
    /// <summary>True when the silo named by <paramref name="silo"/> (a SQL expression) is a live member.</summary>
    public static string IsLive(string silo, string expiry) => $"controlplane.is_live_member({silo}, {expiry})";

    /// <summary>True when <paramref name="self"/> may take or keep the lease in <paramref name="owner"/>: it is free, its own, or its holder is not live.</summary>
    public static string Claimable(string owner, string self, string expiry) =>
        $"({owner} IS NULL OR {owner} = {self} OR NOT {IsLive(owner, expiry)})";
}
