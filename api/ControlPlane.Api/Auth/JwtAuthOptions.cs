namespace ControlPlane.Api.Auth;

/// <summary>How tenant callers' bearer tokens are checked (configuration section <c>ControlPlane:Auth:Jwt</c>).</summary>
public sealed class JwtAuthOptions
{
    public const string SectionName = "ControlPlane:Auth:Jwt";

    /// <summary>The only issuer (<c>iss</c>) accepted.</summary>
    public string? Issuer { get; set; }

    /// <summary>The only audience (<c>aud</c>) accepted.</summary>
    public string? Audience { get; set; }

    /// <summary>An HS256 key (UTF-8, at least 32 bytes) for local use; tokens signed with it are accepted.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A JWKS file whose RSA keys verify RS256 tokens.</summary>
    public string? JwksPath { get; set; }

    /// <summary>A JWKS URL (e.g. a Cognito user pool's <c>.well-known/jwks.json</c>) whose RSA keys verify RS256 tokens.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>How often keys from <see cref="JwksUrl"/> are fetched again (an unknown key id also refetches, at most every 30 s).</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The claim naming the tenant's slug; for an array claim (<c>cognito:groups</c>) its first element.</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when some key is configured; without one, every bearer token is refused.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SigningKey) || !string.IsNullOrEmpty(JwksPath) || !string.IsNullOrEmpty(JwksUrl);
}
