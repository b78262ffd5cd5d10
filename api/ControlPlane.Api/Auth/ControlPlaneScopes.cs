namespace ControlPlane.Api.Auth;

/// <summary>Scopes, the claims that carry them, and the authorization policies built on them.</summary>
public static class ControlPlaneScopes
{
    public const string ClaimType = "scope";

    /// <summary>The claim naming the caller's tenant; only tenant credentials (tokens, tenant-scoped keys) carry it.</summary>
    public const string TenantClaimType = "controlplane:tenant";

    public const string PlatformAdmin = "platform:admin";

    public const string PlatformRead = "platform:read";

    /// <summary>Prefix of a tenant scope: <c>tenant:&lt;slug&gt;</c>.</summary>
    public const string TenantPrefix = "tenant:";

    /// <summary>Policy: may read platform resources (admin or read keys).</summary>
    public const string ReadPolicy = "platform-read";

    /// <summary>Policy: may change platform resources (admin keys only).</summary>
    public const string AdminPolicy = "platform-admin";

    /// <summary>Policy: acts as one tenant (a tenant token or a tenant-scoped key) on <c>/v1/me</c>.</summary>
    public const string TenantPolicy = "tenant";

    /// <summary>The scope of a credential for one tenant.</summary>
    public static string ForTenant(string slug) => TenantPrefix + slug;

    /// <summary>The tenant a <c>tenant:&lt;slug&gt;</c> scope names (not yet validated); null for other scopes.</summary>
    public static string? TenantOf(string? scope) =>
        scope is not null && scope.StartsWith(TenantPrefix, StringComparison.Ordinal) ? scope[TenantPrefix.Length..] : null;
}
