using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.Tests.Harness;

/// <summary>Bearer tokens as an identity provider would issue them for the test silos, and forged ones.</summary>
public static class TenantTokens
{
    public const string Issuer = "https://issuer.controlplane.test";
    public const string Audience = "controlplane-tests";
    public const string SigningKey = "test-signing-key-for-hs256-0123456789abcdef";

    /// <summary>The settings that make a silo accept these tokens.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("ControlPlane:Auth:Jwt:Issuer", Issuer),
        new("ControlPlane:Auth:Jwt:Audience", Audience),
        new("ControlPlane:Auth:Jwt:SigningKey", SigningKey),
    ];

    /// <summary>A valid token for <paramref name="slug"/> unless a parameter says otherwise.</summary>
    public static string For(
        string? slug,
        string key = SigningKey,
        string audience = Audience,
        string issuer = Issuer,
        TimeSpan? expiresIn = null,
        string claim = "tenant",
        object? claimValue = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object> { ["sub"] = $"user@{slug ?? "nowhere"}" };
        if (slug is not null || claimValue is not null)
        {
            claims[claim] = claimValue ?? slug!;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) that would otherwise be valid.</summary>
    public static string WithoutSignature(string slug)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "forger", ["tenant"] = slug, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        });
        return $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}.";
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public static HttpClient Client(SiloFactory silo, string token)
    {
        var client = silo.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client acting for <paramref name="slug"/> with a valid token.</summary>
    public static HttpClient ClientFor(SiloFactory silo, string slug) => Client(silo, For(slug));
}
