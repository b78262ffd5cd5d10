using ControlPlane.Runtime.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    public string SiloName { get; } = settings?.GetValueOrDefault("ControlPlane:Cluster:SiloName") ?? $"test-{Guid.NewGuid().ToString("N")[..8]}";

    public GrainRuntime Runtime => Services.GetRequiredService<GrainRuntime>();

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
            ["ControlPlane:StateDirectory"] = _stateDirectory,
            ["ControlPlane:Auth:AdminApiKey"] = AdminKey,
            ["ControlPlane:Cluster:SiloName"] = SiloName,
            ["ControlPlane:Cluster:HeartbeatInterval"] = "00:00:00.500",
            ["ControlPlane:Cluster:DeadAfter"] = "00:00:03",
            ["ControlPlane:Provisioning:SweepInterval"] = "00:00:00.200",
            ["ControlPlane:Provisioning:RetryBaseDelay"] = "00:00:00.200",
            ["ControlPlane:Provisioning:RetryMaxDelay"] = "00:00:01",
            ["ControlPlane:Provisioning:MaxAttempts"] = "3",
            ["ControlPlane:Database:RegistryPoolSize"] = "6",
            ["ControlPlane:Database:WorkConnections"] = "3",
            ["ControlPlane:Database:IdleInTransactionTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in TenantTokens.Settings)
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
