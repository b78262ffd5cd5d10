namespace ControlPlane.Grains.Backups;

/// <summary>
/// The backup file's format: a plain SQL script for <c>psql</c> (the schema, the tenant's migrations V0001..VN as
/// its DDL, one <c>COPY ... FROM stdin</c> section per table, the sequences' positions). Marker comments let the
/// control plane restore it section by section into a schema of its choosing; psql reads them as comments.
/// </summary>
public static class BackupScript
{
    public const int FormatVersion = 1;

    private const string Prefix = "-- controlplane:backup:";

    public const string Header = Prefix + "header ";
    public const string Migration = Prefix + "migration ";
    public const string Data = Prefix + "data ";
    public const string Sequences = Prefix + "sequences";
    public const string End = Prefix + "end ";

    /// <summary>True for a line that starts a new section.</summary>
    public static bool IsMarker(string line) => line.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The end of a COPY section's rows, as psql expects it.</summary>
    public const string EndOfCopy = "\\.";
}
