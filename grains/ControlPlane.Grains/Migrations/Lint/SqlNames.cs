namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>How the lint reads names: regex pieces for (qualified) identifiers, and one spelling per name.</summary>
public static class SqlNames
{
    /// <summary>An identifier, plain or double-quoted.</summary>
    public const string Identifier = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*)";

    /// <summary>An identifier with optional schema (and database) qualifiers.</summary>
    public const string Qualified = Identifier + @"(?:\s*\.\s*" + Identifier + ")*";

    /// <summary>
    /// The name as PostgreSQL resolves it, without its schema: tenant migrations run with the tenant's schema on the
    /// search path and name objects without one, so a qualifier does not make another table.
    /// </summary>
    public static string Normalize(string name)
    {
        var last = LastPart(name.Trim());
        return last.StartsWith('"') ? last[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : last.ToLowerInvariant();
    }

    private static string LastPart(string name)
    {
        var inQuotes = false;
        var cut = -1;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (name[i] == '.' && !inQuotes)
            {
                cut = i;
            }
        }

        return name[(cut + 1)..].Trim();
    }
}
