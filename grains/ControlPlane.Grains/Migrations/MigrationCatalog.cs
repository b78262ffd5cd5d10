using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Migrations;

/// <summary>
/// Reads the migrations folder. It is re-read when its files change, so an operator can drop in a new version
/// without restarting the silo.
/// </summary>
public sealed partial class MigrationCatalog(Func<string> path, string setting)
{
    /// <summary>The schema tier's catalogue (<c>ControlPlane:Tenants:MigrationsPath</c>).</summary>
    public MigrationCatalog(IOptions<TenantModelOptions> options)
        : this(() => options.Value.MigrationsPath, "ControlPlane:Tenants:MigrationsPath")
    {
    }

    /// <summary>The first-line marker of a migration that must run outside a transaction.</summary>
    public const string NoTransactionMarker = "-- controlplane:no-transaction";

    private readonly Lock _gate = new();
    private string? _signature;
    private MigrationSet? _current;
    private long _listedAt;

    /// <summary>How long a listing may be reused by <see cref="CurrentFor"/>.</summary>
    private const long ReuseListingMs = 1000;

    /// <summary>The folder read.</summary>
    public string Path => path();

    /// <summary>The catalogue as the folder is now; throws <see cref="MigrationCatalogException"/> when it is invalid.</summary>
    public MigrationSet Current()
    {
        var files = ListFiles();
        var signature = string.Join('|', files.Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        lock (_gate)
        {
            _listedAt = Environment.TickCount64;
            if (_current is not null && signature == _signature)
            {
                return _current;
            }

            _current = Load(files);
            _signature = signature;
            return _current;
        }
    }

    /// <summary>
    /// The catalogue for work towards <paramref name="version"/>: a listing up to a second old is reused when it already
    /// holds that version. A rollout asks once per tenant, and listing the folder each time showed in its silo CPU profile.
    /// </summary>
    public MigrationSet CurrentFor(int? version)
    {
        lock (_gate)
        {
            if (_current is { } cached && version is int wanted && cached.LatestVersion >= wanted
                && Environment.TickCount64 - _listedAt < ReuseListingMs)
            {
                return cached;
            }
        }

        return Current();
    }

    /// <summary>Parses a migration file; public for tests and tools.</summary>
    public static MigrationScript Parse(string fileName, string text)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationCatalogException(
                $"Migration file '{fileName}' is not named V<version>__<description>.sql (for example V0004__add_component_owner.sql).");
        }

        var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
        if (version <= 0)
        {
            throw new MigrationCatalogException($"Migration file '{fileName}' has version {version}; versions start at 1.");
        }

        var firstLine = text.TrimStart('\uFEFF').Split('\n', 2)[0].Trim();
        var transactional = !firstLine.Equals(NoTransactionMarker, StringComparison.OrdinalIgnoreCase);
        return new MigrationScript(version, match.Groups["name"].Value.Replace('_', ' '), fileName, text, Checksums.Of(text), transactional);
    }

    private FileInfo[] ListFiles()
    {
        var directory = new DirectoryInfo(Path);
        if (!directory.Exists)
        {
            throw new MigrationCatalogException($"The migrations folder '{Path}' does not exist (setting {setting}).");
        }

        return [.. directory.GetFiles("*.sql").OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    private static MigrationSet Load(FileInfo[] files)
    {
        var scripts = new List<MigrationScript>();
        foreach (var file in files)
        {
            var script = Parse(file.Name, File.ReadAllText(file.FullName));
            if (scripts.FirstOrDefault(s => s.Version == script.Version) is { } clash)
            {
                throw new MigrationCatalogException($"Migration files '{clash.FileName}' and '{file.Name}' have the same version {script.Version}.");
            }

            scripts.Add(script);
        }

        return new MigrationSet(scripts);
    }

    [GeneratedRegex(@"^V(?<version>\d{1,9})__(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
