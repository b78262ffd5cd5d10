using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Grains.Database;

/// <summary>
/// Builds a SCRAM-SHA-256 verifier (RFC 5802 / RFC 7677, PostgreSQL's storage format) so that a role's
/// password is set without the plain text ever reaching the server or its logs.
/// </summary>
public static class ScramVerifier
{
    private const int Iterations = 4096;

    /// <summary>Returns <c>SCRAM-SHA-256$4096:salt$StoredKey:ServerKey</c> for <paramref name="password"/>.</summary>
    public static string Create(string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
