using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>A credential names a tenant that does not exist or is not Active (answered as 403).</summary>
[GenerateSerializer, Alias("cp.TenantNotServingException")]
public sealed class TenantNotServingException(string slug, TenantStatus? state) : Exception(Describe(slug, state))
{
    [Id(0)]
    public string Slug { get; } = slug;

    /// <summary>The tenant's state, or null when no tenant has this slug.</summary>
    [Id(1)]
    public TenantStatus? State { get; } = state;

    private static string Describe(string slug, TenantStatus? state) => state switch
    {
        null => $"Tenant '{slug}' does not exist; this credential reaches no data.",
        TenantStatus.Suspended => $"Tenant '{slug}' is suspended; its data cannot be reached until an operator resumes it.",
        TenantStatus.Retained => $"Tenant '{slug}' is deleted and retained until its purge time; an operator can resume it until then.",
        TenantStatus.Deprovisioning or TenantStatus.Deleted => $"Tenant '{slug}' is deleted ({state}); its data is gone.",
        _ => $"Tenant '{slug}' is {state}, not Active; its data can be reached once it is Active.",
    };
}
