using ControlPlane.Grains.Database;
using ControlPlane.Registry.Contracts.Cluster;
using ControlPlane.Silo.Cluster;
using ControlPlane.Silo.Rollouts;
using ControlPlane.Silo.Telemetry;
using ControlPlane.Silo.Tenants;
using ControlPlane.Silo.Webhooks;
using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace ControlPlane.Silo.OrleansSilo;

/// <summary>
/// The Orleans silo inside the control plane's process: ADO.NET membership, reminders and grain storage on the
/// registry's PostgreSQL (tables in the <c>orleans</c> schema, made by registry upgrade R0007), Orleans' settings
/// bound from the <c>Orleans</c> configuration section, telemetry propagation, the tenant-tagging call filter,
/// Orleans' dashboard, and the periodic scans as silo lifecycle participants.
/// </summary>
public static class OrleansSiloSetup
{
    /// <summary>The schema holding Orleans' tables and the <c>OrleansQuery</c> rows its providers read at start.</summary>
    public const string Schema = "orleans";

    /// <summary>The grain storage provider's name (state only a grain reads; the registry rows stay the truth).</summary>
    public const string StorageName = "controlplane";

    /// <summary>
    /// Serves Orleans' dashboard when true; off by default. Its own metric reader collects every observable instrument
    /// once a second, a fixed interval, and Orleans' grain-directory cache-size gauge is costly to read: 9-10% of the
    /// silo's CPU samples under onboarding load in two profiles, and 267 MiB resident after the onboarding benchmark
    /// against 190 with it off. A silo pays that whether or not anyone is looking, so it is turned on where someone is.
    /// </summary>
    public const string OrleansDashboardSetting = "ControlPlane:OrleansDashboard:Enabled";

    /// <summary>Whether <see cref="OrleansDashboardSetting"/> turns the dashboard on.</summary>
    public static bool OrleansDashboardEnabled(IConfiguration configuration) => configuration.GetValue(OrleansDashboardSetting, false);

    public static WebApplicationBuilder AddControlPlaneOrleans(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // Defaults first, configuration (Orleans:*, Orleans__* in the environment) over them.
        services.AddOptions<ClusterOptions>().Configure(o =>
        {
            o.ClusterId = "controlplane";
            o.ServiceId = "controlplane";
        }).BindConfiguration("Orleans");
        services.AddOptions<SiloOptions>().BindConfiguration("Orleans");
        services.AddOptions<EndpointOptions>().BindConfiguration("Orleans:Endpoints").Configure<IConfiguration>((o, configuration) =>
        {
            // The binder leaves IPAddress properties unset without a word: parse the advertised address ourselves.
            if (configuration["Orleans:Endpoints:AdvertisedIPAddress"] is { Length: > 0 } advertised)
            {
                o.AdvertisedIPAddress = IPAddress.TryParse(advertised, out var address)
                    ? address
                    : throw new OptionsValidationException("Orleans:Endpoints:AdvertisedIPAddress", typeof(EndpointOptions), [$"Orleans:Endpoints:AdvertisedIPAddress must be an IP address (other silos dial it); '{advertised}' is not."]);
            }
        });
        builder.UseOrleans(silo => silo.AddControlPlaneGrainServices());
        return builder;
    }

    /// <summary>
    /// What the grains need of the silo that hosts them, whoever builds it (this process's web host, or a test cluster
    /// that sets the silo's name, ports and cluster itself): membership, messaging and collection settings, the ADO.NET
    /// providers on the registry's database, the call filter, telemetry propagation, the dashboard and the scans.
    /// </summary>
    public static ISiloBuilder AddControlPlaneGrainServices(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<ClusterMembershipOptions>().Configure(o =>
        {
            // A killed silo is declared dead in ~ProbeTimeout x NumMissedProbesLimit (about 6 s), well inside the
            // 15 s takeover target; Orleans' defaults (5 s x 3, table refresh 60 s) took 12-20 s here.
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);

            // The fence judges a lease holder by this heartbeat too (ControlPlane:Fence:HeartbeatExpiry); Orleans'
            // default of 5 minutes would leave a cluster that died whole with its leases held for that long.
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        }).BindConfiguration("Orleans:Membership");
        services.AddOptions<SiloMessagingOptions>().Configure(o =>
        {
            // One tenant's grain with this many requests waiting answers 503 with Retry-After (as the old mailbox did).
            o.MaxEnqueuedRequestsHardLimit = 256;
            o.MaxEnqueuedRequestsSoftLimit = 0;
        }).BindConfiguration("Orleans:Messaging");
        services.AddOptions<GrainCollectionOptions>().BindConfiguration("Orleans:GrainCollection");

        // Orleans' one-minute floor on reminder periods stays in production; tests lower it to see a schedule in seconds.
        // Not "Orleans:Reminders": Orleans reads that section as a reminder provider to configure.
        services.AddOptions<ReminderOptions>().BindConfiguration("Orleans:ReminderService");

        silo.UseAdoNetClustering((Action<AdoNetClusteringSiloOptions>)(_ => { }));
        silo.UseAdoNetReminderService((Action<AdoNetReminderTableOptions>)(_ => { }));
        silo.AddAdoNetGrainStorage(StorageName, (Action<AdoNetGrainStorageOptions>)(_ => { }));
        silo.AddActivityPropagation();
        silo.AddIncomingGrainCallFilter<GrainKeyTagFilter>();
        if (OrleansDashboardEnabled(silo.Configuration))
        {
            silo.AddDashboard(_ => { });
        }

        // The providers' connection string names the registry's database with the orleans schema on its path; it is
        // known only once the private server (if any) has started, so it is set when the options are first read.
        services.AddOptions<AdoNetClusteringSiloOptions>().Configure<ControlPlaneConnectionString>((o, cs) =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = ConnectionString(cs, "orleans-membership");
        });
        services.AddOptions<AdoNetReminderTableOptions>().Configure<ControlPlaneConnectionString>((o, cs) =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = ConnectionString(cs, "orleans-reminders");
        });
        services.AddOptions<AdoNetGrainStorageOptions>(StorageName).Configure<ControlPlaneConnectionString>((o, cs) =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = ConnectionString(cs, "orleans-storage");
        });

        services.AddSingleton<ClusterView>();
        services.AddSingleton<IClusterMembership>(sp => sp.GetRequiredService<ClusterView>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TenantWorkSweeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RolloutSweeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WarmPoolLoop>();
        services.AddWebhookDispatcher();
        return silo;
    }

    private static string ConnectionString(ControlPlaneConnectionString registry, string applicationName) =>
        ProviderConnectionString(registry.Value, applicationName);

    /// <summary>The registry's connection string pointed at the <c>orleans</c> schema, as Orleans' ADO.NET providers (and clients) use it.</summary>
    public static string ProviderConnectionString(string registry, string applicationName) =>
        new NpgsqlConnectionStringBuilder(registry) { SearchPath = Schema, ApplicationName = applicationName, MaxPoolSize = 4 }.ConnectionString;
}
