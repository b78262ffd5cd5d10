using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>The page query the control plane runs for <c>GET /v1/me/components</c> (same columns, order and limit).</summary>
internal static class ComponentsQuery
{
    public const string Sql =
        "SELECT \"id\", \"name\", \"description\", \"team_id\", \"service_type_id\", \"registry_provider_id\", \"repository_url\", \"created_at\", \"updated_at\" FROM \"components\" ORDER BY id LIMIT $1";

    public static async Task<List<Dictionary<string, object?>>> ReadAsync(NpgsqlDataReader reader, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        if (rows.Count > limit)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return rows;
    }
}
