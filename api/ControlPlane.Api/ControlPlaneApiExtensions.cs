using System.Text.Json.Serialization;
using ControlPlane.Api.ApiKeys;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Cluster;
using ControlPlane.Api.Errors;
using ControlPlane.Api.Migrations;
using ControlPlane.Api.Pooled;
using ControlPlane.Api.Rollouts;
using ControlPlane.Api.CallerTenant;
using ControlPlane.Api.Tenants;
using ControlPlane.Api.Stats;
using ControlPlane.Api.Webhooks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ControlPlane.Api;

/// <summary>Wires the HTTP API into a host.</summary>
public static class ControlPlaneApiExtensions
{
    /// <summary>The default authentication scheme: forwards to the bearer-token or the API-key handler.</summary>
    public const string CredentialScheme = "Credential";

    /// <summary>Problem details, JSON conventions, authentication (API keys, tenant bearer tokens), scopes, OpenAPI.</summary>
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
        services.AddOptions<JwtAuthOptions>().BindConfiguration(JwtAuthOptions.SectionName)
            .Validate(o => string.IsNullOrEmpty(o.SigningKey) || System.Text.Encoding.UTF8.GetByteCount(o.SigningKey) >= 32, "ControlPlane:Auth:Jwt:SigningKey must be at least 32 bytes (HS256).")
            .Validate(o => !o.Enabled || (!string.IsNullOrEmpty(o.Issuer) && !string.IsNullOrEmpty(o.Audience)), "ControlPlane:Auth:Jwt needs Issuer and Audience when a signing key or JWKS is configured.")
            .Validate(o => !string.IsNullOrEmpty(o.TenantClaim), "ControlPlane:Auth:Jwt:TenantClaim must name a claim.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JwtSigningKeys>();
        services.TryAddSingleton<ConfiguredApiKeyStore>();
        services.TryAddSingleton<IApiKeyStore, RegistryApiKeyStore>();

        // One default scheme that picks the handler by the credential sent: a bearer token (tenant callers) or an
        // API key (platform callers and tenant-scoped keys). Challenges and 403s go to the same handler.
        services.AddAuthentication(CredentialScheme)
            .AddPolicyScheme(CredentialScheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? JwtAuthenticationHandler.SchemeName : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, JwtAuthenticationHandler>(JwtAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ControlPlaneScopes.AdminPolicy, p => p.RequireClaim(ControlPlaneScopes.ClaimType, ControlPlaneScopes.PlatformAdmin))
            .AddPolicy(ControlPlaneScopes.ReadPolicy, p => p.RequireClaim(ControlPlaneScopes.ClaimType, ControlPlaneScopes.PlatformAdmin, ControlPlaneScopes.PlatformRead))
            .AddPolicy(ControlPlaneScopes.TenantPolicy, p => p.RequireClaim(ControlPlaneScopes.TenantClaimType));
        services.AddOpenApi();
        return services;
    }

    /// <summary>Maps every resource's endpoints and the OpenAPI document (<c>/openapi/v1.json</c>).</summary>
    public static IEndpointRouteBuilder MapControlPlaneApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapTenantsApi();
        app.MapOperatorViewApi();
        app.MapWarmPoolApi();
        app.MapMigrationsApi();
        app.MapRolloutsApi();
        app.MapApiKeysApi();
        app.MapClusterApi();
        app.MapMeApi();
        app.MapAuditApi();
        app.MapWebhooksApi();
        app.MapPooledPoliciesApi();
        return app;
    }
}
