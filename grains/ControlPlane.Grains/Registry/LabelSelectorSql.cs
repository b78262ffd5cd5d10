using System.Text.Json;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>
/// Turns a <see cref="LabelSelector"/> into a predicate over a tenants' <c>labels</c> column. The text depends only
/// on the selector's shape (keys and values are parameters); equality is containment, which the GIN index
/// (<c>jsonb_path_ops</c>) serves.
/// </summary>
public static class LabelSelectorSql
{
    /// <summary>A boolean SQL expression true for the rows of <paramref name="column"/> that match <paramref name="selector"/>.</summary>
    public static string Where(LabelSelector selector, string column, PositionalParameters parameters) =>
        string.Join(" AND ", selector.Requirements.Select(r => Requirement(r, column, parameters)));

    private static string Requirement(LabelRequirement requirement, string column, PositionalParameters parameters)
    {
        switch (requirement.Operator)
        {
            case LabelOperator.Equals:
                return $"{column} @> {Pair(requirement, parameters)}";
            case LabelOperator.NotEquals:
                return $"NOT ({column} @> {Pair(requirement, parameters)})";
            case LabelOperator.Exists:
                return $"({column} ->> {Key(requirement, parameters)}) IS NOT NULL";
            case LabelOperator.NotExists:
                return $"({column} ->> {Key(requirement, parameters)}) IS NULL";
            case LabelOperator.In:
                return $"({column} ->> {Key(requirement, parameters)}) = ANY({Values(requirement, parameters)})";
            default:
                // A tenant without the key is not in the set, so notin matches it (as Kubernetes does).
                return $"COALESCE(({column} ->> {Key(requirement, parameters)}) <> ALL({Values(requirement, parameters)}), true)";
        }
    }

    private static string Pair(LabelRequirement requirement, PositionalParameters parameters) =>
        parameters.Add(JsonSerializer.Serialize(new Dictionary<string, string> { [requirement.Key] = requirement.Values[0] }), NpgsqlDbType.Jsonb);

    private static string Key(LabelRequirement requirement, PositionalParameters parameters) =>
        parameters.Add(requirement.Key, NpgsqlDbType.Text);

    private static string Values(LabelRequirement requirement, PositionalParameters parameters) =>
        parameters.Add(requirement.Values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
}
