using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Grains.Database;

/// <summary>
/// Builds a SCRAM-SHA-256 verifier (RFC 5802 / RFC 7677, PostgreSQL's storage format) so that a role's
/// password is set without the plain text ever reaching the server or its logs.
/// </summary>
public static class ScramVerifier
{
    // The passwords are 256-bit HMAC outputs (TenantRolePasswords), not chosen by people. Stretching buys time against
    // guessing a low-entropy password and adds nothing against a 2^256 space, while its cost is paid on every use:
    // PostgreSQL runs the full count on each ALTER ROLE ... PASSWORD (it checks that the verifier does not match the
    // empty password), and the driver on each physical connection. At the usual 4,096 that check was 4-6 ms of server
    // CPU in every onboarding, more than the rest of a warm pool claim together.
    private const int Iterations = 16;

    /// <summary>Returns <c>SCRAM-SHA-256$16:salt$StoredKey:ServerKey</c> for <paramref name="password"/>.</summary>
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
