namespace ControlPlane.Testing;

/// <summary>
/// The pooled schema a test silo uses: one per test database. Roles are shared by every database of a server, and the
/// pooled schema's roles are named after it, so test databases on one server must not share the name.
/// </summary>
public static class TestPooledSchema
{
    public const string Setting = "ControlPlane:Pooled:Schema";

    /// <summary><c>pooled_&lt;the database's own suffix&gt;</c>, from the admin connection string's database.</summary>
    public static string For(string connectionString)
    {
        var database = connectionString.Split(';')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals("Database", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault() ?? "default";
        var suffix = new string([.. database.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_')]);
        suffix = suffix.StartsWith("cp_test_", StringComparison.Ordinal) ? suffix["cp_test_".Length..] : suffix;
        return "pooled_" + suffix[..Math.Min(suffix.Length, 40)];
    }
}
