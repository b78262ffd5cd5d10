using System.Security.Claims;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.ApiKeys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.ApiKeys;

/// <summary><c>/v1/api-keys</c>: platform API keys, created (secret shown once), listed without secrets, and revoked.</summary>
public static class ApiKeysApi
{
    private const int MaxNameLength = 100;

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/api-keys").WithTags("API keys");
        group.MapPost("/", CreateAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key; the response is the only place its secret ever appears.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("api-key.create");
        group.MapGet("/", ListAsync)
            .WithName("ListApiKeys")
            .WithSummary("Every API key (revoked ones included), without secrets.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetApiKey")
            .WithSummary("One API key, without its secret.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapDelete("/{id}", RevokeAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key: it stops working at once and stays listed as revoked.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("api-key.revoke");
        return group;
    }

    public static async Task<Created<CreatedApiKeyResponse>> CreateAsync(
        CreateApiKeyRequest request, IApiKeyRegistry registry, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.User;
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new TenantValidationException("name", "The name is required.");
        }

        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new TenantValidationException("name", $"The name must be at most {MaxNameLength} characters without control characters.");
        }

        var scope = ValidateScope(request.Scope);
        var secret = ApiKeySecrets.Generate();
        var key = await registry.CreateAsync(
            new ApiKeyDraft(name, scope, ApiKeySecrets.PrefixOf(secret), ApiKeySecrets.Hash(secret), caller.Identity?.Name),
            cancellationToken);
        AuditTrail.Describe(context, tenant: ControlPlaneScopes.TenantOf(scope), target: key.Id.ToString(), detail: $"{key.Name} ({key.Scope})");
        return TypedResults.Created(
            $"/v1/api-keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, key.Scope, key.Prefix, key.CreatedAt, key.CreatedBy, secret));
    }

    public static async Task<Ok<ApiKeyListResponse>> ListAsync(IApiKeyRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ApiKeyListResponse([.. (await registry.ListAsync(cancellationToken)).Select(ApiKeyResponse.From)]));

    public static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> GetAsync(string id, IApiKeyRegistry registry, CancellationToken cancellationToken) =>
        await registry.GetAsync(ParseId(id), cancellationToken) is { } key ? TypedResults.Ok(ApiKeyResponse.From(key)) : NotFound(id);

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, IApiKeyRegistry registry, CancellationToken cancellationToken) =>
        await registry.RevokeAsync(ParseId(id), cancellationToken) is null ? NotFound(id) : TypedResults.NoContent();

    private static string ValidateScope(string? scope)
    {
        if (scope is ControlPlaneScopes.PlatformAdmin or ControlPlaneScopes.PlatformRead)
        {
            return scope;
        }

        if (ControlPlaneScopes.TenantOf(scope) is { } slug)
        {
            return TenantSlug.TryParse(slug, out var parsed, out var error)
                ? ControlPlaneScopes.ForTenant(parsed.Value)
                : throw new TenantValidationException("scope", $"'{slug}' is not a tenant slug: {error}");
        }

        throw new TenantValidationException("scope", $"The scope must be {ControlPlaneScopes.PlatformAdmin}, {ControlPlaneScopes.PlatformRead} or {ControlPlaneScopes.TenantPrefix}<slug>.");
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw new TenantValidationException("id", $"'{id}' is not an API key id (a UUID).");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found", detail: $"No API key has the id '{id}'.");
}
