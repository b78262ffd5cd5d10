using ControlPlane.Registry.Contracts.ApiKeys;

namespace ControlPlane.Api.Auth;

/// <summary>The bootstrap admin key from configuration first, then the keys created through the API (by hash).</summary>
public sealed class RegistryApiKeyStore(ConfiguredApiKeyStore bootstrap, IApiKeyRegistry registry) : IApiKeyStore
{
    public async Task<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (await bootstrap.FindAsync(presentedKey, cancellationToken) is { } admin)
        {
            return admin;
        }

        if (!presentedKey.StartsWith(ApiKeySecrets.Marker, StringComparison.Ordinal))
        {
            return null;
        }

        var key = await registry.FindActiveAsync(ApiKeySecrets.Hash(presentedKey), cancellationToken);
        return key is null ? null : new ApiKeyIdentity(key.Name, key.Scope);
    }
}
