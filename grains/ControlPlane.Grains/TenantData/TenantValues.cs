using System.Globalization;
using System.Text.Json;
using ControlPlane.Grains.Tenants;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.TenantData;

/// <summary>
/// Turns a request's JSON fields into typed parameters for one table, or throws <see cref="TenantValidationException"/>
/// naming the field: unknown and read-only fields are refused, required ones checked, types and lengths enforced.
/// </summary>
public static class TenantValues
{
    /// <summary>
    /// The fields of a request body, sent to the grain as JSON text (a string Orleans passes without copying); the
    /// API has already checked it is one JSON object.
    /// </summary>
    public static Dictionary<string, JsonElement> ParseFields(string fieldsJson)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(fieldsJson) ?? [];
        }
        catch (JsonException ex)
        {
            throw new TenantValidationException("body", $"The body must be one JSON object of fields: {ex.Message}");
        }
    }

    public static (List<string> Columns, List<NpgsqlParameter> Parameters) Read(
        TenantTable table, IReadOnlyDictionary<string, JsonElement> fields, bool insert)
    {
        foreach (var name in fields.Keys)
        {
            if (!table.ByName.TryGetValue(name, out var known))
            {
                throw new TenantValidationException(name, $"Unknown field '{name}'; a {table.Singular} has {string.Join(", ", table.Columns.Where(c => c.Writable).Select(c => c.Name))}.");
            }

            if (!known.Writable)
            {
                throw new TenantValidationException(name, $"'{name}' is kept by the database and cannot be set.");
            }
        }

        var columns = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        foreach (var column in table.Columns.Where(c => c.Writable))
        {
            if (!fields.TryGetValue(column.Name, out var value))
            {
                if (insert && column.Required)
                {
                    throw new TenantValidationException(column.Name, $"'{column.Name}' is required.");
                }

                continue;
            }

            columns.Add(column.Name);
            parameters.Add(Parameter(column, value));
        }

        if (!insert && columns.Count == 0)
        {
            throw new TenantValidationException("body", $"Give at least one field to change: {string.Join(", ", table.Columns.Where(c => c.Writable).Select(c => c.Name))}.");
        }

        return (columns, parameters);
    }

    private static NpgsqlParameter Parameter(TenantColumn column, JsonElement value)
    {
        var type = column.Type switch
        {
            TenantColumnType.Text => NpgsqlDbType.Text,
            TenantColumnType.SmallKey => NpgsqlDbType.Integer,
            TenantColumnType.Key => NpgsqlDbType.Bigint,
            _ => NpgsqlDbType.TimestampTz,
        };
        if (value.ValueKind == JsonValueKind.Null)
        {
            return column.Required
                ? throw new TenantValidationException(column.Name, $"'{column.Name}' cannot be null.")
                : new NpgsqlParameter { NpgsqlDbType = type, Value = DBNull.Value };
        }

        object converted = column.Type switch
        {
            TenantColumnType.Text => Text(column, value),
            TenantColumnType.SmallKey => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) && i > 0
                ? i
                : throw new TenantValidationException(column.Name, $"'{column.Name}' must be a positive whole number."),
            TenantColumnType.Key => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) && l > 0
                ? l
                : throw new TenantValidationException(column.Name, $"'{column.Name}' must be a positive whole number."),
            _ => value.ValueKind == JsonValueKind.String
                 && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.ToUniversalTime()
                : throw new TenantValidationException(column.Name, $"'{column.Name}' must be an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z."),
        };
        return new NpgsqlParameter { NpgsqlDbType = type, Value = converted };
    }

    private static string Text(TenantColumn column, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new TenantValidationException(column.Name, $"'{column.Name}' must be a string.");
        }

        var text = value.GetString()!;
        if (column.Required && string.IsNullOrWhiteSpace(text))
        {
            throw new TenantValidationException(column.Name, $"'{column.Name}' cannot be empty.");
        }

        if (text.Length > column.MaxLength)
        {
            throw new TenantValidationException(column.Name, $"'{column.Name}' is {text.Length} characters; at most {column.MaxLength} are allowed.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new TenantValidationException(column.Name, $"'{column.Name}' cannot contain NUL characters.");
        }

        return text;
    }
}
