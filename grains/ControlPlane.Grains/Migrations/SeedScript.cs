using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Migrations;

/// <summary>
/// The seed script. It reads the tenant's display name and slug from the settings
/// <c>controlplane.tenant_display_name</c> and <c>controlplane.tenant_slug</c> (set as bound parameters, never spliced into SQL).
/// </summary>
public sealed class SeedScript(IOptions<TenantModelOptions> options)
{
    // The last text read and its statements: onboarding splits the file once, not once per tenant.
    private (string Sql, IReadOnlyList<string> Statements)? _split;

    /// <summary>The seed SQL, or null when no seed file is configured or present.</summary>
    public string? Read()
    {
        var path = options.Value.SeedPath;
        return string.IsNullOrWhiteSpace(path) || !File.Exists(path) ? null : File.ReadAllText(path);
    }

    /// <summary>The seed's statements, one per batch command (so they travel in one round trip); null when there is no seed.</summary>
    public IReadOnlyList<string>? ReadStatements()
    {
        if (Read() is not { } sql)
        {
            return null;
        }

        if (_split is { } split && split.Sql == sql)
        {
            return split.Statements;
        }

        IReadOnlyList<string> statements = [.. SqlStatementSplitter.Split(sql).Where(s => !string.IsNullOrWhiteSpace(s))];
        _split = (sql, statements);
        return statements;
    }
}
