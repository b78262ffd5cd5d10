namespace ControlPlane.Grains.Registry;

/// <summary>
/// This silo lost the right to write a tenant (another silo took its lease, or this silo was declared dead).
/// The turn stops and writes nothing; the grain re-reads the registry next time.
/// </summary>
public sealed class TenantFencedOutException(string slug, string reason)
    : Exception($"Writes to tenant '{slug}' were refused by the fence: {reason}.")
{
    public string Slug { get; } = slug;
}
