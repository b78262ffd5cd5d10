namespace ControlPlane.Registry.Contracts.ApiKeys;

/// <summary>
/// Platform API keys kept in the registry. Only hashes cross this interface: the secret is generated, shown once and
/// hashed by the caller, so nothing that could log in is ever stored.
/// </summary>
public interface IApiKeyRegistry
{
    /// <summary>Stores a new key; throws <see cref="ApiKeyConflictException"/> when an unrevoked key has the same name.</summary>
    Task<ApiKeyRecord> CreateAsync(ApiKeyDraft draft, CancellationToken cancellationToken);

    /// <summary>Every key, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One key, or null.</summary>
    Task<ApiKeyRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Revokes a key (idempotent); null when no key has this id.</summary>
    Task<ApiKeyRecord?> RevokeAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The unrevoked key with this SHA-256 hash, or null.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(byte[] hash, CancellationToken cancellationToken);
}
