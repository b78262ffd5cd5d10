using ControlPlane.Grains.Tenants;
using Npgsql;

namespace ControlPlane.Grains.TenantData;

/// <summary>What PostgreSQL said about a write, in the API's terms, with the field named where PostgreSQL names it.</summary>
public static class TenantDataErrors
{
    /// <summary>The domain exception for <paramref name="error"/>, or null when it is not the caller's doing.</summary>
    public static Exception? Translate(PostgresException error, TenantTable table, bool deleting)
    {
        var field = FieldOf(error, table);
        return error.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation =>
                new TenantDataConflictException(field, $"Another {table.Singular} already has this {field}."),
            PostgresErrorCodes.ForeignKeyViolation when deleting =>
                new TenantDataConflictException("id", $"This {table.Singular} is still referenced by other rows."),
            PostgresErrorCodes.ForeignKeyViolation =>
                new TenantValidationException(field, $"'{field}' refers to a row that does not exist."),
            PostgresErrorCodes.CheckViolation =>
                new TenantValidationException(field, $"'{field}' breaks the rule {error.ConstraintName}."),
            PostgresErrorCodes.NotNullViolation =>
                new TenantValidationException(error.ColumnName ?? field, $"'{error.ColumnName ?? field}' cannot be null."),
            _ when error.SqlState.StartsWith("22", StringComparison.Ordinal) =>
                new TenantValidationException(field, $"'{field}': {error.MessageText}"),
            _ => null,
        };
    }

    private const string PooledTenantColumn = "tenant_id_";

    // PostgreSQL names constraints <table>_<first column>_<kind> (users_email_key, users_team_id_fkey, tags_color_check);
    // Npgsql redacts the Detail that would quote the key, so the constraint name is what there is.
    private static string FieldOf(PostgresException error, TenantTable table)
    {
        if (error.ColumnName is { } column)
        {
            return column;
        }

        var name = error.ConstraintName ?? string.Empty;
        var rest = name.StartsWith(table.Name + "_", StringComparison.Ordinal) ? name[(table.Name.Length + 1)..] : name;

        // A pooled table's keys lead with tenant_id (teams_tenant_id_name_key): the caller's field is the next column.
        rest = rest.StartsWith(PooledTenantColumn, StringComparison.Ordinal) ? rest[PooledTenantColumn.Length..] : rest;
        return table.Columns
            .Where(c => rest.StartsWith(c.Name + "_", StringComparison.Ordinal))
            .OrderByDescending(c => c.Name.Length)
            .Select(c => c.Name)
            .FirstOrDefault() ?? "body";
    }
}
