using ControlPlane.Api;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Telemetry;
using ControlPlane.Grains;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using ControlPlane.Silo.Cluster;
using ControlPlane.Silo.Dashboard;
using ControlPlane.Silo.LocalPostgres;
using ControlPlane.Silo.OrleansSilo;
using Orleans.Dashboard;
using ControlPlane.Silo.Telemetry;

namespace ControlPlane.Silo.Hosting;

/// <summary>Composition of the silo: database, Orleans (membership, grains), the HTTP API and telemetry.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The connection string name: <c>ConnectionStrings__ControlPlane</c> in the environment.</summary>
    public const string ConnectionStringName = "ControlPlane";

    /// <summary>Where Orleans' own dashboard is served, behind the platform read scope (it has no authentication of its own).</summary>
    public const string OrleansDashboardPath = "/orleans-dashboard";

    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddControlPlaneSilo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddControlPlaneTelemetry();

        // The private server is a hosted service registered before Orleans', so it stops after the silo has left the
        // cluster and deactivated its grains (closing tenant pools). Everything Orleans runs is ordered by the silo's
        // lifecycle stages instead (see OrleansSiloSetup).
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

        services.AddControlPlaneRegistryAndGrains();
        builder.AddControlPlaneOrleans();
        services.AddControlPlaneApi();
        services.AddHealthChecks().AddCheck<RegistryHealthCheck>("registry", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// What the grains need around them, whoever hosts the silo (this web host, or a test cluster): the registry
    /// brought up to date at start, its change feed, and the grains' own services. Needs a
    /// <see cref="ControlPlaneConnectionString"/> registered by the host.
    /// </summary>
    public static IServiceCollection AddControlPlaneRegistryAndGrains(this IServiceCollection services)
    {
        services.AddSingleton<ClusterConnectionCheck>();
        // The registry (and with it Orleans' tables) is brought up to date in StartingAsync, before any hosted service
        // starts, Orleans' silo among them: its providers read their queries from the registry at start.
        services.AddHostedService<RegistryStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<TenantChangeFeed>());
        services.AddControlPlaneGrains();
        return services;
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
        if (OrleansSiloSetup.OrleansDashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(OrleansDashboardPath).RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        }
        else
        {
            // The dashboard's header still links here: say why there is nothing, rather than a bare 404.
            app.MapGet(OrleansDashboardPath + "/{**rest}", () => TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Orleans dashboard turned off",
                    detail: $"This silo runs with {OrleansSiloSetup.OrleansDashboardSetting} = false (the default); set it to true (environment ControlPlane__OrleansDashboard__Enabled) to serve Orleans' dashboard here."))
                .ExcludeFromDescription()
                .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        }

        // Live: the process serves. Ready: it can do its job (registry reachable, schema current). No auth: probes.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
