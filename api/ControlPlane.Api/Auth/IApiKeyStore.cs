namespace ControlPlane.Api.Auth;

/// <summary>Resolves a presented API key to its identity.</summary>
public interface IApiKeyStore
{
    /// <summary>The key's identity, or null when the key is unknown or revoked.</summary>
    Task<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken);
}
