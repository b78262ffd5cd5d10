using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary>A silo over a registry holding a registered fleet of 400 tenants (rows only; see <see cref="RegisteredFleet"/>).</summary>
public sealed class TenantFiltersFixture : SiloFixture, IAsyncLifetime
{
    public const string RolloutId = "fleet-pace";

    public RegisteredFleet Fleet { get; } = new("flt", 400);

    /// <summary>The odd-numbered tenants, for the rollout a test registers.</summary>
    public IReadOnlyList<string> RolloutSlugs => [.. Fleet.Numbers.Where(i => i % 2 == 1).Select(Fleet.Slug)];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // The silo creates the registry on its first request.
        using var ready = await Client.Http.GetAsync("/v1/tenants?limit=1");
        ready.EnsureSuccessStatusCode();
        await Fleet.RegisterAsync(Database.ConnectionString);
        // A tenant whose name holds LIKE's wildcards, for the search that must take them as text.
        await Database.ExecuteAsync(
            "INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state) VALUES ('wild_card', '100% Up_time', 'tenant_wild_card', 'tenant_wild_card', 'Active')");
    }
}
