using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;

namespace ControlPlane.Api.Tenants;

/// <summary>
/// The query parameters that select tenants (<c>state</c>, <c>version</c>, <c>label</c>, <c>q</c>, <c>tier</c>), read once for the
/// listing and the counts so that both accept and refuse the same values.
/// </summary>
public static class TenantFilterQuery
{
    /// <summary>The longest text search accepted: a slug is at most 56 characters, a name search longer than this is a mistake.</summary>
    public const int MaxTextLength = 100;

    public static TenantFilter Parse(string? state, int? version, string[]? label, string? q, string? tier = null)
    {
        TenantTier? inTier = null;
        if (!string.IsNullOrEmpty(tier))
        {
            inTier = TenantTiers.TryParse(tier, out var parsedTier)
                ? parsedTier
                : throw new TenantValidationException("tier", $"'{tier}' is not a tier; use schema or pooled.");
        }

        TenantStatus? status = null;
        if (!string.IsNullOrEmpty(state))
        {
            status = Enum.TryParse<TenantStatus>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new TenantValidationException("state", $"'{state}' is not a state; use one of {string.Join(", ", Enum.GetNames<TenantStatus>())}.");
        }

        if (version is < 0)
        {
            throw new TenantValidationException("version", "version is a migration version, 0 or more.");
        }

        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (text is { Length: > MaxTextLength })
        {
            throw new TenantValidationException("q", $"q must be at most {MaxTextLength} characters.");
        }

        return new TenantFilter(status, version, LabelFilter(label), text, inTier);
    }

    /// <summary>Every <c>label</c> parameter is a selector; together they must all hold (their requirements are ANDed).</summary>
    private static LabelSelector? LabelFilter(string[]? label) =>
        label is { Length: > 0 }
            ? new LabelSelector([.. label.SelectMany(l => LabelSelector.Parse(l, "label").Requirements)])
            : null;
}
