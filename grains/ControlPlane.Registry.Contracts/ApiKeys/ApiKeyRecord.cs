namespace ControlPlane.Registry.Contracts.ApiKeys;

/// <summary>A stored API key, without its secret.</summary>
/// <param name="Id">Its id, used to revoke it.</param>
/// <param name="Name">Who or what it is for.</param>
/// <param name="Scope"><c>platform:admin</c>, <c>platform:read</c> or <c>tenant:&lt;slug&gt;</c>.</param>
/// <param name="Prefix">The first characters of the secret, so people can tell keys apart.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">The name of the key that created it.</param>
/// <param name="RevokedAt">When it was revoked; null while it works.</param>
public sealed record ApiKeyRecord(
    Guid Id,
    string Name,
    string Scope,
    string Prefix,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset? RevokedAt);
