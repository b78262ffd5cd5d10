using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// One silo hosted in the test process on a real database, with timings shortened so that retries, sweeps and
/// failure detection happen within a test's patience. Several factories on one database form a cluster.
/// </summary>
public sealed class SiloFactory(
    string connectionString,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = SiloProcess.AdminKey;

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "controlplane-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Timings shortened so that retries, sweeps and failure detection happen within a test's patience, and pools small
    /// enough for many silos on one test server (also used by <see cref="GrainCluster"/>'s silos).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ShortTimings { get; } = new Dictionary<string, string?>
    {
        ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
        ["Orleans:Membership:NumMissedProbesLimit"] = "2",
        ["Orleans:Membership:TableRefreshTimeout"] = "00:00:01",
        ["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:00.500",
        ["ControlPlane:Fence:HeartbeatExpiry"] = "00:00:03",
        ["ControlPlane:Provisioning:SweepInterval"] = "00:00:00.200",
        ["ControlPlane:Provisioning:RetryBaseDelay"] = "00:00:00.200",
        ["ControlPlane:Provisioning:RetryMaxDelay"] = "00:00:01",
        ["ControlPlane:Provisioning:MaxAttempts"] = "3",
        ["ControlPlane:Database:RegistryPoolSize"] = "6",
        ["ControlPlane:Database:WorkConnections"] = "3",
        ["ControlPlane:Database:IdleInTransactionTimeout"] = "00:00:05",
    };

    public string SiloName { get; } = settings?.GetValueOrDefault("Orleans:SiloName") ?? $"test-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>This silo's Orleans silo-to-silo port on 127.0.0.1.</summary>
    public int SiloPort { get; } = LoopbackPort.Free();

    /// <summary>This silo's Orleans gateway port on 127.0.0.1.</summary>
    public int GatewayPort { get; } = LoopbackPort.Free();

    /// <summary>The silo's lease name (its Orleans address and generation), once it has started.</summary>
    public string SiloId => Services.GetRequiredService<ControlPlane.Grains.Cluster.SiloIdentity>().SiloId;

    /// <summary>This silo's grain factory: calls go wherever Orleans places the grain.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>True when the tenant's grain has an activation anywhere in the cluster (as Orleans' management grain sees it).</summary>
    public async Task<bool> IsTenantGrainActiveAsync(string slug)
    {
        var grains = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return grains.Any(g => g.GrainId.Key.ToString() == slug && g.GrainType.Contains("TenantGrain", StringComparison.Ordinal));
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client that sends the bootstrap admin key.</summary>
    public TenantsClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return new TenantsClient(client);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ControlPlane"] = connectionString,
            [TestPooledSchema.Setting] = TestPooledSchema.For(connectionString),
            ["ControlPlane:StateDirectory"] = _stateDirectory,
            ["ControlPlane:Auth:AdminApiKey"] = AdminKey,
            ["Orleans:SiloName"] = SiloName,
            ["Orleans:Endpoints:SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ShortTimings.Concat(TenantTokens.Settings))
        {
            all[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        // Orleans ends the process of a silo declared dead; in the test process it stops this silo's host instead.
        builder.ConfigureServices(s => s.AddSingleton<IFatalErrorHandler, StopSiloOnFatalError>());
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
