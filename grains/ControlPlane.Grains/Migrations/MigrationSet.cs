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
}
