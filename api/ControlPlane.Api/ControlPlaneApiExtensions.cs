using System.Text.Json.Serialization;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Errors;
using ControlPlane.Api.Migrations;
using ControlPlane.Api.Rollouts;
using ControlPlane.Api.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ControlPlane.Api;

/// <summary>Wires the HTTP API into a host.</summary>
public static class ControlPlaneApiExtensions
{
    /// <summary>Problem details, JSON conventions, API-key authentication, scopes, OpenAPI.</summary>
    public static IServiceCollection AddControlPlaneApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ControlPlaneExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // A misspelt field is an error, not silently ignored.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });

        services.AddOptions<PlatformAuthOptions>().BindConfiguration(PlatformAuthOptions.SectionName);
        services.TryAddSingleton<IApiKeyStore, ConfiguredApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ControlPlaneScopes.AdminPolicy, p => p.RequireClaim(ControlPlaneScopes.ClaimType, ControlPlaneScopes.PlatformAdmin))
            .AddPolicy(ControlPlaneScopes.ReadPolicy, p => p.RequireClaim(ControlPlaneScopes.ClaimType, ControlPlaneScopes.PlatformAdmin, ControlPlaneScopes.PlatformRead));
        services.AddOpenApi();
        return services;
    }

    /// <summary>Maps every resource's endpoints and the OpenAPI document (<c>/openapi/v1.json</c>).</summary>
    public static IEndpointRouteBuilder MapControlPlaneApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapTenantsApi();
        app.MapMigrationsApi();
        app.MapRolloutsApi();
        return app;
    }
}
