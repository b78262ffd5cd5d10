using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.Migrations;

/// <summary>Compares what a tenant has applied with the catalogue as it is now.</summary>
public static class MigrationDriftCheck
{
    /// <summary>
    /// Applied migrations whose file changed or disappeared, and files older than the newest applied version
    /// that were never applied (out of order). Empty when the tenant can move forward.
    /// </summary>
    public static IReadOnlyList<MigrationDrift> Find(IReadOnlyList<AppliedMigration> applied, MigrationSet catalog)
    {
        var drift = new List<MigrationDrift>();
        foreach (var record in applied.Where(a => a.Status == AppliedMigrationStatus.Applied))
        {
            var current = catalog.ByVersion.GetValueOrDefault(record.Version);
            if (current?.Checksum != record.Checksum)
            {
                drift.Add(new MigrationDrift(record.Version, record.Checksum, current?.Checksum));
            }
        }

        var newest = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        var known = applied.Select(a => a.Version).ToHashSet();
        drift.AddRange(catalog.Scripts
            .Where(s => s.Version < newest && !known.Contains(s.Version))
            .Select(s => new MigrationDrift(s.Version, null, s.Checksum)));
        return [.. drift.OrderBy(d => d.Version)];
    }

    /// <summary>One line an operator can act on.</summary>
    public static string Describe(IReadOnlyList<MigrationDrift> drift) => string.Join("; ", drift.Select(d => d switch
    {
        { AppliedChecksum: null } => $"V{d.Version:0000} was added below the newest applied version and never applied",
        { CurrentChecksum: null } => $"V{d.Version:0000} was applied but its file is gone",
        _ => $"V{d.Version:0000} changed after it was applied (applied {d.AppliedChecksum![..12]}, file now {d.CurrentChecksum![..12]})",
    }));
}
