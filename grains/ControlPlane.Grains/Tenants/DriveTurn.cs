using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants;

/// <summary>What one drive turn is for and what it saw last: passed down the drive's calls, never kept in grain fields.</summary>
/// <param name="UpgradeTarget">The version a rollout asked for, or null for an ordinary drive (provisioning reaches the newest).</param>
/// <param name="RolloutId">The rollout asking, whose line is updated with each migration.</param>
internal sealed record DriveTurn(int? UpgradeTarget, string? RolloutId)
{
    /// <summary>An ordinary drive: whatever the registry says is due.</summary>
    public static DriveTurn Due => new(null, null);

    /// <summary>The row as this turn last locked or saved it.</summary>
    public TenantRow? LastRow { get; set; }
}
