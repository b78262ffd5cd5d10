using Npgsql;

namespace ControlPlane.Grains.Database;

/// <summary>Quotes identifiers for DDL, where parameters cannot be used.</summary>
public static class PgIdentifier
{
    private static readonly NpgsqlCommandBuilder Quoter = new();

    /// <summary>
    /// Npgsql's PostgreSQL quoting: wraps in double quotes and doubles embedded ones. Callers still validate names
    /// first (see <c>TenantSlug</c>); quoting is the second line, not the first.
    /// </summary>
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An identifier cannot contain NUL.", nameof(identifier));
        }

        return Quoter.QuoteIdentifier(identifier);
    }

    /// <summary>A string literal for utility statements that take no parameters (standard_conforming_strings on).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A literal cannot contain NUL.", nameof(value));
        }

        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
