using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Grains.Database;

/// <summary>
/// Derives each tenant role's password from one key (HMAC-SHA256), so no per-tenant secret is stored and
/// every silo of a cluster computes the same password. The key is loaded at start from configuration or the registry.
/// </summary>
public sealed class TenantRolePasswords
{
    private byte[]? _key;

    /// <summary>True once a key has been loaded.</summary>
    public bool IsReady => _key is not null;

    public void UseKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The password of <paramref name="roleName"/>.</summary>
    public string For(string roleName)
    {
        var key = _key ?? throw new InvalidOperationException("The tenant role password key has not been loaded yet.");
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(roleName)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
