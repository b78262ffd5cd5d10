using System.Text;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>The rule for a schema named as the source of an import or an adoption: an ordinary schema, not ours or the system's.</summary>
public static class SourceSchemaName
{
    public static string Validate(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new TenantValidationException(field, "Name the existing schema, e.g. \"public\".");
        }

        if (Encoding.UTF8.GetByteCount(value) > TenantSlug.MaxIdentifierBytes || value.Any(char.IsControl))
        {
            throw new TenantValidationException(field, $"'{value}' is not a PostgreSQL schema name (at most {TenantSlug.MaxIdentifierBytes} bytes, no control characters).");
        }

        if (value == TenantSlug.RegistrySchema || value == "information_schema" || value.StartsWith("pg_", StringComparison.Ordinal))
        {
            throw new TenantValidationException(field, $"'{value}' is a system or control-plane schema; it cannot be a tenant's source.");
        }

        return value;
    }
}
