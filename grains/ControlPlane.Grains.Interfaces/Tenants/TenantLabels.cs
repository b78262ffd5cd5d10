using System.Text.RegularExpressions;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The rules for tenant labels (<c>plan=enterprise</c>, <c>region=eu</c>): one home for onboarding, <c>PATCH</c>, the
/// grain that writes them and the selectors that read them.
/// </summary>
public static partial class TenantLabels
{
    /// <summary>At most this many labels per tenant: enough to describe it, few enough to stay a small row.</summary>
    public const int MaxLabels = 32;

    public const int MaxKeyLength = 63;

    public const int MaxValueLength = 63;

    /// <summary>The empty label set.</summary>
    public static IReadOnlyDictionary<string, string> None { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Throws <see cref="TenantValidationException"/> naming <c>{field}.{key}</c> unless <paramref name="key"/> is a label key.</summary>
    public static void ValidateKey(string key, string field)
    {
        if (key.Length is 0 or > MaxKeyLength || !Key().IsMatch(key))
        {
            throw new TenantValidationException(
                $"{field}.{key}",
                $"A label key is 1 to {MaxKeyLength} characters: lower-case letters, digits, '.', '_', '/' or '-', starting and ending with a letter or digit; '{key}' is not.");
        }
    }

    /// <summary>Throws <see cref="TenantValidationException"/> naming <c>{field}.{key}</c> unless <paramref name="value"/> is a label value.</summary>
    public static void ValidateValue(string key, string value, string field)
    {
        if (value.Length > MaxValueLength || !Value().IsMatch(value))
        {
            throw new TenantValidationException(
                $"{field}.{key}",
                $"A label value is 0 to {MaxValueLength} characters: letters, digits, '.', '_' or '-'; '{value}' is not.");
        }
    }

    /// <summary>True when <paramref name="key"/> would pass <see cref="ValidateKey"/>.</summary>
    public static bool IsKey(string key) => key.Length is > 0 and <= MaxKeyLength && Key().IsMatch(key);

    /// <summary>True when <paramref name="value"/> would pass <see cref="ValidateValue"/>.</summary>
    public static bool IsValue(string value) => value.Length <= MaxValueLength && Value().IsMatch(value);

    /// <summary>A full label set (onboarding): every key and value valid, at most <see cref="MaxLabels"/>.</summary>
    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string?>? labels, string field = "labels")
    {
        if (labels is null || labels.Count == 0)
        {
            return None;
        }

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            ValidateKey(key, field);
            if (value is null)
            {
                // Nothing to remove at onboarding: a null is simply no label.
                continue;
            }

            ValidateValue(key, value, field);
            result[key] = value;
        }

        return EnsureCount(result, field);
    }

    /// <summary>
    /// Applies a merge patch (<paramref name="changes"/>: a value sets the key, null removes it) to
    /// <paramref name="current"/>, validating every change and the resulting count.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Merge(
        IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string?> changes, string field = "labels")
    {
        var result = new SortedDictionary<string, string>(current.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            ValidateKey(key, field);
            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            ValidateValue(key, value, field);
            result[key] = value;
        }

        return EnsureCount(result, field);
    }

    /// <summary>True when both sets hold the same keys with the same values.</summary>
    public static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static SortedDictionary<string, string> EnsureCount(SortedDictionary<string, string> labels, string field) =>
        labels.Count <= MaxLabels
            ? labels
            : throw new TenantValidationException(field, $"A tenant has at most {MaxLabels} labels; this would give it {labels.Count}.");

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Key();

    [GeneratedRegex(@"^[A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Value();
}
