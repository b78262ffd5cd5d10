using ControlPlane.Grains.Tenants;
namespace ControlPlane.Registry.Contracts.Tenants;

/// <summary>
/// Which tenants a listing or a count is about; every part given must hold.
/// </summary>
/// <param name="Status">Only tenants in this state.</param>
/// <param name="Version">Only tenants at this migration version.</param>
/// <param name="Labels">Only tenants whose labels match this selector.</param>
/// <param name="Text">Only tenants whose slug or display name contains this text, ignoring case.</param>
/// <param name="Tier">Only tenants of this tier.</param>
public sealed record TenantFilter(TenantStatus? Status = null, int? Version = null, LabelSelector? Labels = null, string? Text = null, TenantTier? Tier = null)
{
    /// <summary>Every tenant.</summary>
    public static TenantFilter All { get; } = new();
}
