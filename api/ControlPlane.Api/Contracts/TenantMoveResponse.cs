using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Contracts;

/// <summary>
/// The move between tiers in progress: its target <c>Tier</c>, its <c>Phase</c> (Preparing, Copying: writes are held,
/// Removing: routing is on the target already) and when it was asked.
/// </summary>
public sealed record TenantMoveResponse(string Tier, TenantMovePhase Phase, DateTimeOffset StartedAt)
{
    public static TenantMoveResponse? From(TenantMove? move) => move is null ? null : new(move.To.ToText(), move.Phase, move.StartedAt);
}
