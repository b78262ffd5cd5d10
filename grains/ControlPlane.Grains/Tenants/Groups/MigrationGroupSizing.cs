namespace ControlPlane.Grains.Tenants.Groups;

/// <summary>
/// How many tenants the next migration group takes. A member's tables stay locked until its whole group commits, so
/// a group must commit within <see cref="Rollouts.RolloutOptions.GroupHoldLimit"/>: after a group that took longer,
/// the next takes as many members as would have fitted in the limit at the time per member just measured (at least
/// one); after a quicker one it grows by one, up to the largest size.
/// </summary>
/// <remarks>
/// Halving instead overreacted to a single slow group on a loaded machine: over a 10,000-tenant rollout, groups of
/// eight that took 51-60 ms fell to four, then two, then one, and 5% of the tenants ran alone (427 of 1,865 commits),
/// each paying the bookkeeping a group shares.
/// </remarks>
public static class MigrationGroupSizing
{
    public static int Next(int size, int members, TimeSpan took, TimeSpan holdLimit, int largest)
    {
        if (took <= holdLimit)
        {
            return Math.Min(largest, size + 1);
        }

        var perMember = took / Math.Max(1, members);
        var fits = (int)(holdLimit / perMember);
        return Math.Clamp(fits, 1, Math.Max(1, members - 1));
    }
}
