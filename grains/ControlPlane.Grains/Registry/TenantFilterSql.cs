using ControlPlane.Grains.Database;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;
using NpgsqlTypes;

namespace ControlPlane.Grains.Registry;

/// <summary>
/// The one home of how a <see cref="TenantFilter"/> reads in SQL, shared by the listing and the counts so that they
/// always agree. Each predicate is one an index of R0017 (or R0001/R0011) serves: state and version by btree, labels
/// by the GIN containment index, text by the trigram indexes on slug and display name, the pooled tier by R0020's
/// partial index.
/// </summary>
public static class TenantFilterSql
{
    /// <summary>A boolean SQL expression over the tenants aliased <paramref name="alias"/> (<c>true</c> for no filter).</summary>
    public static string Where(TenantFilter filter, string alias, PositionalParameters parameters)
    {
        var predicates = new List<string>();
        if (filter.Status is { } status)
        {
            predicates.Add($"{alias}.state = {parameters.Add(status.ToString(), NpgsqlDbType.Text)}");
        }

        if (filter.Version is { } version)
        {
            predicates.Add($"{alias}.migration_version = {parameters.Add(version, NpgsqlDbType.Integer)}");
        }

        if (filter.Labels is { } labels)
        {
            predicates.Add(LabelSelectorSql.Where(labels, $"{alias}.labels", parameters));
        }

        if (!string.IsNullOrEmpty(filter.Text))
        {
            // ILIKE with the wildcards of the text escaped: the text is a substring, never a pattern.
            var pattern = parameters.Add($"%{EscapeLike(filter.Text)}%", NpgsqlDbType.Text);
            predicates.Add($"(lower({alias}.slug) ILIKE {pattern} OR {alias}.display_name ILIKE {pattern})");
        }

        if (filter.Tier is { } tier)
        {
            predicates.Add($"{alias}.tier = {parameters.Add(tier.ToText(), NpgsqlDbType.Text)}");
        }

        return predicates.Count == 0 ? "true" : string.Join(" AND ", predicates);
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
