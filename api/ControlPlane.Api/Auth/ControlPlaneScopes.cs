namespace ControlPlane.Api.Auth;

/// <summary>Scopes, the claim that carries them, and the authorization policies built on them.</summary>
public static class ControlPlaneScopes
{
    public const string ClaimType = "scope";

    public const string PlatformAdmin = "platform:admin";

    public const string PlatformRead = "platform:read";

    /// <summary>Policy: may read platform resources (admin or read keys).</summary>
    public const string ReadPolicy = "platform-read";

    /// <summary>Policy: may change platform resources (admin keys only).</summary>
    public const string AdminPolicy = "platform-admin";
}
