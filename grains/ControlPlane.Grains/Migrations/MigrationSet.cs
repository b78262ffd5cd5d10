using System.Collections.Frozen;

namespace ControlPlane.Grains.Migrations;

/// <summary>The migrations folder as read at one moment, ordered by version.</summary>
public sealed class MigrationSet
{
    public MigrationSet(IEnumerable<MigrationScript> scripts)
    {
        Scripts = [.. scripts.OrderBy(s => s.Version)];
        ByVersion = Scripts.ToFrozenDictionary(s => s.Version);
    }

    public IReadOnlyList<MigrationScript> Scripts { get; }

    public FrozenDictionary<int, MigrationScript> ByVersion { get; }

    /// <summary>The newest version, 0 when the folder is empty.</summary>
    public int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    /// <summary>
    /// One value for the whole set (SHA-256 over every file's version and checksum): a warm pool schema built at
    /// another fingerprint is stale even at the same version, since a file it ran was since changed.
    /// </summary>
    public string Fingerprint => _fingerprint ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Scripts.Select(s => $"{s.Version}:{s.Checksum}")))));

    private string? _fingerprint;
}
