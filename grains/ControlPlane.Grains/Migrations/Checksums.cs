using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Grains.Migrations;

/// <summary>Checksums of SQL text that survive a checkout with other line endings.</summary>
public static class Checksums
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="text"/> with CRLF/CR normalized to LF and any BOM removed.</summary>
    public static string Of(string text)
    {
        var normalized = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }
}
