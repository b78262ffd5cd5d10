using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Api.Auth;

/// <summary>
/// New API key secrets (<c>cpk_</c> + 256 random bits) and the SHA-256 hash that is all the registry keeps. A fast hash
/// suffices for random secrets of this length; slow hashes exist for passwords people choose.
/// </summary>
public static class ApiKeySecrets
{
    public const string Marker = "cpk_";

    /// <summary>How many characters of a secret are kept to tell keys apart.</summary>
    public const int PrefixLength = 12;

    public static string Generate() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string PrefixOf(string secret) => secret[..Math.Min(PrefixLength, secret.Length)];
}
