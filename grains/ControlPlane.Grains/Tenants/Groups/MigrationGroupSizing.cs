namespace ControlPlane.Grains.Tenants.Groups;

/// <summary>
/// How many tenants the next migration group takes. A member's tables stay locked until its whole group commits, so
/// a group must commit within <see cref="Rollouts.RolloutOptions.GroupHoldLimit"/>: after a group that took longer,
/// the next takes as many members as would have fitted in the limit at the time per member just measured (at least
/// one); after a quicker one it grows by one, up to the largest size.
/// </summary>
/// <remarks>
/// Halving instead answered a group just over the limit (51 ms for eight) with groups of four, though seven would have
/// fitted; a group over the limit by any amount halved again, down to one.
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
