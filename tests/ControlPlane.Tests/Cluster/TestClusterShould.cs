using ControlPlane.Grains;
using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Orleans.Runtime;

namespace ControlPlane.Tests.Cluster;

/// <summary>
/// The grains on two silos of Orleans' test cluster with ADO.NET membership on PostgreSQL: calls from the client or
/// from either silo meet one activation per tenant, and domain errors cross silos as themselves.
/// </summary>
public sealed class TestClusterShould(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    [Fact]
    public async Task Keep_both_silos_live_members_of_the_registrys_membership_table()
    {
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal);

        // The fence's own judge, over the rows Orleans' ADO.NET membership keeps in the orleans schema.
        var live = await cluster.Database.QueryAsync<string>(
            $"SELECT silo_key FROM orleans.membership o WHERE deployment_id = $1 AND {LeaseFence.IsLive("o.silo_key", "$2")} ORDER BY silo_key COLLATE \"C\"",
            cluster.Cluster.Options.ClusterId,
            TimeSpan.Parse(SiloFactory.ShortTimings["ControlPlane:Fence:HeartbeatExpiry"]!, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(silos, live);
    }

    [Fact]
    public async Task Route_calls_from_the_client_and_every_silo_to_one_activation_of_a_tenant()
    {
        var slug = TestSlugs.New("tc1");

        var provisioned = await cluster.Client.GetGrain<ITenantGrain>(slug).ProvisionAsync(new ProvisionRequest("One Ltd"));
        var active = await WaitForActiveAsync(cluster.Client, slug);
        var seen = await Task.WhenAll(Enumerable.Range(0, GrainCluster.Size).Select(i => cluster.SiloGrains(i).GetGrain<ITenantGrain>(slug).GetAsync()));
        var activations = await ActivationsAsync(slug);

        Assert.True(provisioned.Created);
        Assert.All(seen, s => Assert.Equal((TenantStatus.Active, active.Etag), (s!.Status, s.Etag)));
        var silo = Assert.Single(activations);
        Assert.Contains(silo, cluster.Cluster.Silos.Select(s => s.SiloAddress));
    }

    [Fact]
    public async Task Build_references_by_key_that_name_and_reach_the_grain_orleans_would()
    {
        var slug = TestSlugs.New("tc3");
        await cluster.SiloGrains(0).GetGrainByKey<ITenantGrain>(TestSlugs.New("tc3first")).GetAsync();

        // Built from the types remembered from an earlier reference, on either silo and from the client.
        var built = new[] { cluster.SiloGrains(0), cluster.SiloGrains(1), cluster.Client }.Select(g => g.GetGrainByKey<ITenantGrain>(slug)).ToList();
        var orleans = cluster.Client.GetGrain<ITenantGrain>(slug);
        await built[1].ProvisionAsync(new ProvisionRequest("Three Ltd"));
        var seen = await Task.WhenAll(built.Select(g => g.GetAsync()));

        Assert.All(built, g => Assert.Equal((orleans.GetGrainId(), ((GrainReference)(object)orleans).InterfaceType), (g.GetGrainId(), ((GrainReference)(object)g).InterfaceType)));
        Assert.All(seen, s => Assert.Equal(slug, s!.Slug));
        Assert.Single(await ActivationsAsync(slug));
    }

    [Fact]
    public async Task Throw_a_grains_domain_exception_at_a_caller_on_another_silo_as_that_exception()
    {
        var slug = TestSlugs.New("tc2");
        // Tenant grains prefer the silo of their first caller: this one lives on silo 0 and is called from silo 1.
        await cluster.SiloGrains(0).GetGrain<ITenantGrain>(slug).ProvisionAsync(new ProvisionRequest("Two Ltd"));
        await WaitForActiveAsync(cluster.SiloGrains(0), slug);
        Assert.Equal([cluster.SiloAddress(0)], await ActivationsAsync(slug));

        var refused = await Assert.ThrowsAsync<InvalidTenantTransitionException>(() => cluster.SiloGrains(1).GetGrain<ITenantGrain>(slug).RetryAsync(null));

        Assert.Equal((slug, TenantStatus.Active, "retry"), (refused.Slug, refused.Current, refused.Requested));
        Assert.Equal($"Tenant '{slug}' is Active; it cannot retry from that state.", refused.Message);
    }

    private static Task<TenantSnapshot> WaitForActiveAsync(IGrainFactory grains, string slug) =>
        Eventually.ReadsAsync(
            () => grains.GetGrain<ITenantGrain>(slug).GetAsync(),
            t => t?.Status == TenantStatus.Active,
            $"tenant '{slug}' to be Active",
            t => t is null ? "not found" : $"{t.Status} (version {t.MigrationVersion}, last error '{t.LastError}')",
            TimeSpan.FromSeconds(60))!;

    /// <summary>The silos holding an activation of the tenant's grain, as Orleans' management grain counts them.</summary>
    private async Task<List<SiloAddress>> ActivationsAsync(string slug) =>
        [.. (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Key.ToString() == slug && g.GrainType.Contains("TenantGrain", StringComparison.Ordinal))
            .Select(g => g.SiloAddress)];
}
