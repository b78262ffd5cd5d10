using ControlPlane.Api;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Telemetry;
using ControlPlane.Grains;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using ControlPlane.Runtime.Hosting;
using ControlPlane.Silo.Cluster;
using ControlPlane.Silo.Dashboard;
using ControlPlane.Silo.LocalPostgres;
using ControlPlane.Silo.Rollouts;
using ControlPlane.Silo.Telemetry;
using ControlPlane.Silo.Tenants;

namespace ControlPlane.Silo.Hosting;

/// <summary>Composition of the silo: database, actor runtime, grains, cluster membership, HTTP API.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The connection string name: <c>ConnectionStrings__ControlPlane</c> in the environment.</summary>
    public const string ConnectionStringName = "ControlPlane";

    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddControlPlaneSilo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHostedService<SiloTelemetry>();
        SiloTelemetry.AddLogging(builder);

        // Order matters for shutdown, which runs in reverse: telemetry is flushed last; the private server stops just before, after the silo has
        // deactivated its grains (closing tenant pools) and left the cluster (releasing its leases).
        services.AddSingleton<SiloStateDirectory>();
        services.AddOptions<PrivatePostgresOptions>().BindConfiguration(PrivatePostgresOptions.SectionName);
        services.AddSingleton<PrivatePostgresHost>();
        services.AddHostedService(sp => sp.GetRequiredService<PrivatePostgresHost>());
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName);
            return new ControlPlaneConnectionString(string.IsNullOrWhiteSpace(configured)
                ? sp.GetRequiredService<PrivatePostgresHost>().Start().ConnectionString
                : configured);
        });
        services.AddOptions<PlatformAuthOptions>().PostConfigure<SiloStateDirectory>((o, state) =>
        {
            if (string.IsNullOrWhiteSpace(o.AdminApiKey))
            {
                o.AdminApiKey = AdminApiKeyFile.ReadOrCreate(Path.Combine(state.Path, AdminApiKeyFile.FileName));
                o.AdminApiKeySource = Path.Combine(state.Path, AdminApiKeyFile.FileName);
            }
        });

        services.AddSingleton<ClusterConnectionCheck>();
        services.AddHostedService<RegistryStartup>();
        services.AddHostedService<MembershipAgent>();
        services.AddGrainRuntime();
        services.AddControlPlaneGrains();
        services.AddHostedService<TenantWorkSweeper>();
        services.AddHostedService<RolloutSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TenantChangeFeed>());
        services.AddControlPlaneApi();
        services.AddHealthChecks().AddCheck<RegistryHealthCheck>("registry", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication MapControlPlaneSilo(this WebApplication app)
    {
        app.UseRequestTelemetry();
        app.UseAuditTrail();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapControlPlaneApi();
        app.MapDashboard();

        // Live: the process serves. Ready: it can do its job (registry reachable, schema current). No auth: probes.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
