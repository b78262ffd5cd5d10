using ControlPlane.Registry.Contracts.ApiKeys;

namespace ControlPlane.Api.Contracts;

/// <summary>An API key as listed: never its secret, only the first characters to tell it apart.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyRecord key) =>
        new(key.Id, key.Name, key.Scope, key.Prefix, key.CreatedAt, key.CreatedBy, key.RevokedAt);
}

/// <summary>A key just created: the only response that carries its <see cref="Key"/>; it cannot be shown again.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, string? CreatedBy, string Key);

/// <summary>Every API key, oldest first, revoked ones included.</summary>
public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyResponse> Items);
