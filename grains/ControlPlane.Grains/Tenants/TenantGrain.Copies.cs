using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Copies;

namespace ControlPlane.Grains.Tenants;

// Tenants made from existing data: clones and imports (a Copy step instead of the seed) and adopted schemas.
public sealed partial class TenantGrain
{
    public async Task<TenantSnapshot> AdoptAsync(AdoptRequest request)
    {
        var slug = RequireSlug();
        var displayName = ValidateDisplayName(request.DisplayName);
        await steps.Adoption.AdoptAsync(slug, displayName, request, silo.SiloId, lifetime.ApplicationStopping);
        Wake();
        return (await LoadAsync(slug))!;
    }

    /// <summary>
    /// The source a new tenant copies from, checked before anything is registered; a repeated request for an existing
    /// tenant is not checked again (its source may have changed since), only compared with the first.
    /// </summary>
    private async Task<TenantCopySource?> CheckCopySourceAsync(TenantSlug slug, ProvisionRequest request)
    {
        var source = CopySourceCheck.Requested(slug, request);
        if (source is null)
        {
            return null;
        }

        await using (var connection = await dataSources.Registry.OpenConnectionAsync(lifetime.ApplicationStopping))
        {
            if (await TenantRows.GetAsync(connection, null, slug.Value, lifetime.ApplicationStopping) is not null)
            {
                return source;
            }
        }

        await steps.CopySources.EnsureUsableAsync(source, lifetime.ApplicationStopping);
        return source;
    }
}
