using ControlPlane.Grains.Database;
using ControlPlane.Silo.Hosting;
using ControlPlane.Silo.OrleansSilo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// Two Orleans silos and a client in the test process, deployed by Orleans' <see cref="TestCluster"/> on a database of
/// its own: ADO.NET membership in the registry's <c>orleans</c> schema (not the test cluster's own membership), the
/// grains' services as the silo registers them, no web host. Tests call grains from the client or from one silo.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    public const int Size = 2;

    private static readonly string ConnectionStringSetting = $"ConnectionStrings:{SiloHostingExtensions.ConnectionStringName}";

    private TestCluster? _cluster;

    public TestDatabase Database { get; private set; } = null!;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not been deployed.");

    /// <summary>An external client, connected through the silos' gateways.</summary>
    public IClusterClient Client => Cluster.Client;

    public SiloAddress SiloAddress(int silo) => Cluster.Silos[silo].SiloAddress;

    /// <summary>The grain factory inside silo <paramref name="silo"/>: its calls are placed and routed from that silo.</summary>
    public IGrainFactory SiloGrains(int silo) => Cluster.GetSiloServiceProvider(SiloAddress(silo)).GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        var builder = new TestClusterBuilder(Size);
        builder.Options.UseTestClusterMembership = false;

        // Configurators are built by type in each silo and client: their settings travel in the configuration.
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(
            SiloFactory.ShortTimings
                .Append(new(ConnectionStringSetting, Database.ConnectionString))
                .Append(new(TestPooledSchema.Setting, TestPooledSchema.For(Database.ConnectionString)))));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private static string OrleansConnectionString(IConfiguration configuration) =>
        OrleansSiloSetup.ProviderConnectionString(configuration[ConnectionStringSetting]!, "orleans-test-client");

    /// <summary>The silo's composition without its web host: the grains' services, the registry startup, the change feed.</summary>
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var services = silo.Services;
            services.AddSingleton(sp => new ControlPlaneConnectionString(sp.GetRequiredService<IConfiguration>()[ConnectionStringSetting]!));

            // As in the silo: registry upgrades R0001.. (the orleans schema and its queries among them) before Orleans starts.
            services.AddControlPlaneRegistryAndGrains();
            silo.AddControlPlaneGrainServices();
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering((AdoNetClusteringClientOptions o) =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = OrleansConnectionString(configuration);
            });
    }
}
