using Orleans;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// A validated tenant slug and the PostgreSQL names derived from it. The one place the naming rule lives:
/// the API checks it on input, and the DDL builder checks it again before any name reaches SQL.
/// </summary>
[GenerateSerializer, Immutable, Alias("cp.TenantSlug")]
public sealed record TenantSlug
{
    /// <summary>Prefix of every tenant schema and role.</summary>
    public const string SchemaPrefix = "tenant_";

    /// <summary>PostgreSQL's identifier limit (NAMEDATALEN - 1); longer names are silently truncated.</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary>The longest slug whose schema name fits <see cref="MaxIdentifierBytes"/>.</summary>
    public const int MaxLength = MaxIdentifierBytes - 7;

    /// <summary>The control plane's own registry schema.</summary>
    public const string RegistrySchema = "controlplane";

    // Names that would read as system or control-plane objects, refused even though the prefix keeps them apart.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "public", "information_schema", RegistrySchema, "postgres", "template0", "template1",
        "pg_catalog", "pg_toast", "admin", "root", "system", "default", "none", "current_user", "session_user",
    };

    private TenantSlug(string value) => Value = value;

    /// <summary>The slug, e.g. <c>acme</c>.</summary>
    [Id(0)]
    public string Value { get; }

    /// <summary>The tenant's schema, e.g. <c>tenant_acme</c>.</summary>
    public string SchemaName => SchemaPrefix + Value;

    /// <summary>The tenant's database role (same name as its schema; roles and schemas are separate namespaces).</summary>
    public string RoleName => SchemaPrefix + Value;

    /// <summary>Parses a slug, or throws <see cref="TenantValidationException"/> naming the field <c>slug</c>.</summary>
    public static TenantSlug Parse(string? value) =>
        TryParse(value, out var slug, out var error) ? slug : throw new TenantValidationException("slug", error);

    /// <summary>Parses a slug; on failure <paramref name="error"/> says what rule it broke.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out TenantSlug? slug, [NotNullWhen(false)] out string? error)
    {
        slug = null;
        error = Check(value);
        if (error is not null)
        {
            return false;
        }

        slug = new TenantSlug(value!);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string? Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "The slug is required.";
        }

        if (value[0] is < 'a' or > 'z')
        {
            return "The slug must start with a lower-case ASCII letter (a-z).";
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return $"The slug may contain only a-z, 0-9 and '_'; '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString())}' is not allowed.";
            }
        }

        var schemaBytes = Encoding.UTF8.GetByteCount(SchemaPrefix) + Encoding.UTF8.GetByteCount(value);
        if (schemaBytes > MaxIdentifierBytes)
        {
            return $"The slug is {value.Length} characters; at most {MaxLength} fit, because the schema name '{SchemaPrefix}<slug>' must stay within PostgreSQL's {MaxIdentifierBytes}-byte limit (longer names would be silently truncated and could collide).";
        }

        if (Reserved.Contains(value) || value.StartsWith("pg_", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{value}' is a reserved name.";
        }

        return null;
    }
}
