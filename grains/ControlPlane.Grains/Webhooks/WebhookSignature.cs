using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Grains.Webhooks;

/// <summary>The delivery signature: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact body with the webhook's secret.</summary>
public static class WebhookSignature
{
    /// <summary>The header that carries it.</summary>
    public const string Header = "X-ControlPlane-Signature";

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>True when <paramref name="signature"/> is the body's signature with <paramref name="secret"/> (compared in constant time).</summary>
    public static bool Verify(string secret, byte[] body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(signature));

    /// <summary>What a webhook shows of its secret: the first 8 hex digits of its SHA-256.</summary>
    public static string Hint(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
}
