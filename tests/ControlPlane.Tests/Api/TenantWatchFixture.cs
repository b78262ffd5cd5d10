using ControlPlane.Registry.Contracts.Tenants;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Tests.Api;

/// <summary>A silo whose change feed tells the tests when a waiting GET has started to wait.</summary>
public sealed class TenantWatchFixture : SiloFixture
{
    public ChangeWaitProbe Changes => Silo.Service<ChangeWaitProbe>();

    protected override SiloFactory CreateSilo() => new(Database.ConnectionString, services: s =>
    {
        s.AddSingleton(sp => new ChangeWaitProbe(sp.GetRequiredService<TenantChangeFeed>()));
        s.AddSingleton<ITenantChangeWaiter>(sp => sp.GetRequiredService<ChangeWaitProbe>());
    });
}
