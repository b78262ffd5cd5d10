using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.Api.Auth;

/// <summary>
/// The keys bearer tokens must be signed with, and the one algorithm each allows: HS256 for the configured shared
/// key, RS256 for RSA keys from a JWKS file or URL. Keys from a URL are cached and fetched again periodically, or
/// sooner (at most every 30 s) when a token names a key id we do not have, as after a key rotation.
/// </summary>
public sealed class JwtSigningKeys(IOptionsMonitor<JwtAuthOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MinimumRefetch = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private IReadOnlyList<SecurityKey> _remote = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>The keys and algorithms tokens are validated against now.</summary>
    public async Task<(IReadOnlyList<SecurityKey> Keys, IReadOnlyList<string> Algorithms)> GetAsync(bool refetch, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var keys = new List<SecurityKey>();
        var algorithms = new List<string>();
        if (!string.IsNullOrEmpty(o.SigningKey))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.SigningKey)));
            algorithms.Add(SecurityAlgorithms.HmacSha256);
        }

        if (!string.IsNullOrEmpty(o.JwksPath))
        {
            keys.AddRange(RsaKeys(await File.ReadAllTextAsync(o.JwksPath, cancellationToken)));
        }

        if (!string.IsNullOrEmpty(o.JwksUrl))
        {
            keys.AddRange(await RemoteAsync(o, refetch, cancellationToken));
        }

        if (keys.Exists(k => k is not SymmetricSecurityKey))
        {
            algorithms.Add(SecurityAlgorithms.RsaSha256);
        }

        return (keys, algorithms);
    }

    public void Dispose()
    {
        _http.Dispose();
        _fetch.Dispose();
    }

    private async Task<IReadOnlyList<SecurityKey>> RemoteAsync(JwtAuthOptions o, bool refetch, CancellationToken cancellationToken)
    {
        var age = time.GetUtcNow() - _fetchedAt;
        if (age < o.JwksRefreshInterval && !(refetch && age >= MinimumRefetch))
        {
            return _remote;
        }

        await _fetch.WaitAsync(cancellationToken);
        try
        {
            age = time.GetUtcNow() - _fetchedAt;
            if (age >= o.JwksRefreshInterval || (refetch && age >= MinimumRefetch))
            {
                _remote = RsaKeys(await _http.GetStringAsync(new Uri(o.JwksUrl!), cancellationToken));
                _fetchedAt = time.GetUtcNow();
            }

            return _remote;
        }
        finally
        {
            _fetch.Release();
        }
    }

    // Only RSA signing keys: a JWKS entry of another kind (or one meant for encryption) verifies nothing here.
    private static List<SecurityKey> RsaKeys(string json) =>
        [.. new JsonWebKeySet(json).Keys
            .Where(k => k.Kty == JsonWebAlgorithmsKeyTypes.RSA && (string.IsNullOrEmpty(k.Use) || k.Use == JsonWebKeyUseNames.Sig))
            .Cast<SecurityKey>()];
}
