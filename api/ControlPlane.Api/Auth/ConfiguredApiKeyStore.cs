using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ControlPlane.Api.Auth;

/// <summary>The bootstrap admin key from configuration, compared by hash in constant time.</summary>
public sealed class ConfiguredApiKeyStore(IOptionsMonitor<PlatformAuthOptions> options) : IApiKeyStore
{
    public const string BootstrapKeyName = "bootstrap-admin";

    public Task<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.AdminApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return Task.FromResult<ApiKeyIdentity?>(null);
        }

        var match = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey)),
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        return Task.FromResult(match ? new ApiKeyIdentity(BootstrapKeyName, ControlPlaneScopes.PlatformAdmin) : null);
    }
}
