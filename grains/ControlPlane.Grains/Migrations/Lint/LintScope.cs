namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// What the lint knows while it walks the catalogue in version order: the tables the current file created (empty,
/// so nothing on them locks anyone), and the CHECK (col IS NOT NULL) constraints that prove a column has no nulls.
/// </summary>
public sealed class LintScope
{
    private readonly HashSet<string> _createdInFile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Table, string Column, bool Validated)> _notNullChecks = new(StringComparer.Ordinal);

    /// <summary>The file being read.</summary>
    public string File { get; private set; } = string.Empty;

    /// <summary>Starts the next file: tables it did not create count as existing (and possibly large) ones.</summary>
    public void BeginFile(string file)
    {
        File = file;
        _createdInFile.Clear();
    }

    public void Created(string table) => _createdInFile.Add(table);

    public bool IsNewInFile(string table) => _createdInFile.Contains(table);

    public void Dropped(string table) => _createdInFile.Remove(table);

    public void Renamed(string table, string to)
    {
        if (_createdInFile.Remove(table))
        {
            _createdInFile.Add(to);
        }

        foreach (var (name, check) in _notNullChecks.Where(c => c.Value.Table == table).ToList())
        {
            _notNullChecks[name] = check with { Table = to };
        }
    }

    /// <summary>A CHECK (<paramref name="column"/> IS NOT NULL) named <paramref name="constraint"/> on <paramref name="table"/>.</summary>
    public void NotNullCheck(string constraint, string table, string column, bool validated) => _notNullChecks[constraint] = (table, column, validated);

    public void Validated(string constraint)
    {
        if (_notNullChecks.TryGetValue(constraint, out var check))
        {
            _notNullChecks[constraint] = check with { Validated = true };
        }
    }

    /// <summary>Whether an earlier statement (of this file or an earlier one) left a validated proof that the column has no nulls.</summary>
    public bool ProvenNotNull(string table, string column) =>
        _notNullChecks.Values.Any(c => c.Validated && c.Table == table && c.Column == column);
}
