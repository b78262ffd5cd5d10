using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>Where a tenant's data lives (docs/tiers.md).</summary>
[GenerateSerializer, Alias("cp.TenantTier")]
public enum TenantTier
{
    /// <summary>Its own schema (<c>tenant_&lt;slug&gt;</c>) and login role.</summary>
    Schema,

    /// <summary>Rows of the shared tables of the pooled schema, kept apart by <c>tenant_id</c> and row-level security.</summary>
    Pooled,
}

/// <summary>The tier's names as the API, the CLI and the registry spell them.</summary>
public static class TenantTiers
{
    /// <summary><c>schema</c> or <c>pooled</c>.</summary>
    public static string ToText(this TenantTier tier) => tier == TenantTier.Pooled ? "pooled" : "schema";

    /// <summary>Parses <c>schema</c> or <c>pooled</c> (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out TenantTier tier)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "schema":
                tier = TenantTier.Schema;
                return true;
            case "pooled":
                tier = TenantTier.Pooled;
                return true;
            default:
                tier = TenantTier.Schema;
                return false;
        }
    }
}
