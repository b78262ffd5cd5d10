using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Migrations;

/// <summary>
/// The seed script. It reads the tenant's display name and slug from the settings
/// <c>controlplane.tenant_display_name</c> and <c>controlplane.tenant_slug</c> (set as bound parameters, never spliced into SQL).
/// </summary>
public sealed class SeedScript(IOptions<TenantModelOptions> options)
{
    /// <summary>The seed SQL, or null when no seed file is configured or present.</summary>
    public string? Read()
    {
        var path = options.Value.SeedPath;
        return string.IsNullOrWhiteSpace(path) || !File.Exists(path) ? null : File.ReadAllText(path);
    }
}
