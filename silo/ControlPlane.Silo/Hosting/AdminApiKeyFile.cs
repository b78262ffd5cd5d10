using System.Security.Cryptography;

namespace ControlPlane.Silo.Hosting;

/// <summary>
/// When no admin key is configured, the silo makes one and keeps it in <c>admin-api-key</c> under its state
/// directory (readable by the owner only), so a fresh machine works without shipping a default secret.
/// </summary>
internal static class AdminApiKeyFile
{
    public const string FileName = "admin-api-key";

    public static string ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = "cp_admin_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, key + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }
}
