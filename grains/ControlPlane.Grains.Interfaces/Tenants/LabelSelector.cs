using System.Text;

namespace ControlPlane.Grains.Tenants;

/// <summary>
/// A Kubernetes-style label selector: requirements joined by commas, all of which must hold (<c>plan=free,region!=us</c>).
/// Each is <c>k=v</c> or <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (has the label) or
/// <c>!k</c> (has not). As in Kubernetes, <c>!=</c> and <c>notin</c> also match tenants without the key.
/// </summary>
public sealed record LabelSelector(IReadOnlyList<LabelRequirement> Requirements)
{
    /// <summary>Parses <paramref name="text"/>; a syntax error is a <see cref="TenantValidationException"/> naming <paramref name="field"/>.</summary>
    public static LabelSelector Parse(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new TenantValidationException(field, "A selector needs at least one requirement, such as plan=free or region in (eu,uk).");
        }

        try
        {
            return new LabelSelector(new LabelSelectorParser(text).ParseAll());
        }
        catch (FormatException ex)
        {
            throw new TenantValidationException(field, $"'{text}' is not a label selector: {ex.Message}");
        }
    }

    /// <summary>The selector in its canonical spelling (what rollouts store and show).</summary>
    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    /// <summary>True when a tenant with <paramref name="labels"/> matches (the same rules the SQL applies).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(r => r.Matches(labels));
}

/// <summary>How a requirement compares a label.</summary>
public enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    NotExists,
}

/// <summary>One requirement of a <see cref="LabelSelector"/>.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals => has && value == Values[0],
            LabelOperator.NotEquals => !has || value != Values[0],
            LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            _ => !has,
        };
    }

    public override string ToString() => Operator switch
    {
        LabelOperator.Equals => $"{Key}={Values[0]}",
        LabelOperator.NotEquals => $"{Key}!={Values[0]}",
        LabelOperator.In => $"{Key} in ({string.Join(",", Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        LabelOperator.Exists => Key,
        _ => $"!{Key}",
    };
}

/// <summary>A small recursive-descent reader of the selector grammar; errors say where they are.</summary>
internal sealed class LabelSelectorParser(string text)
{
    private int _at;

    public List<LabelRequirement> ParseAll()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            requirements.Add(ParseRequirement());
            SkipSpaces();
            if (_at == text.Length)
            {
                return requirements;
            }

            Expect(',');
        }
    }

    private LabelRequirement ParseRequirement()
    {
        SkipSpaces();
        if (Peek('!') && !PeekAt(1, '='))
        {
            _at++;
            SkipSpaces();
            return new LabelRequirement(ReadKey(), LabelOperator.NotExists, []);
        }

        var key = ReadKey();
        SkipSpaces();
        if (_at == text.Length || Peek(','))
        {
            return new LabelRequirement(key, LabelOperator.Exists, []);
        }

        if (Peek('!') && PeekAt(1, '='))
        {
            _at += 2;
            return new LabelRequirement(key, LabelOperator.NotEquals, [ReadValue()]);
        }

        if (Peek('='))
        {
            _at += PeekAt(1, '=') ? 2 : 1;
            return new LabelRequirement(key, LabelOperator.Equals, [ReadValue()]);
        }

        var word = ReadWhile(char.IsAsciiLetter);
        var op = word switch
        {
            "in" => LabelOperator.In,
            "notin" => LabelOperator.NotIn,
            _ => throw Error($"expected '=', '==', '!=', 'in' or 'notin' after '{key}'"),
        };
        SkipSpaces();
        Expect('(');
        SkipSpaces();
        if (Peek(')'))
        {
            throw Error($"'{word}' needs at least one value, such as {key} {word} (a,b)");
        }

        var values = new List<string>();
        while (true)
        {
            values.Add(ReadValue());
            SkipSpaces();
            if (Peek(')'))
            {
                _at++;
                return new LabelRequirement(key, op, [.. values.Distinct(StringComparer.Ordinal)]);
            }

            Expect(',');
        }
    }

    private string ReadKey()
    {
        var key = ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-');
        return TenantLabels.IsKey(key)
            ? key
            : throw Error(key.Length == 0 ? "expected a label key" : $"'{key}' is not a label key (lower-case letters, digits, '.', '_', '/', '-')");
    }

    private string ReadValue()
    {
        SkipSpaces();
        var value = ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        return TenantLabels.IsValue(value) ? value : throw Error($"'{value}' is not a label value");
    }

    private string ReadWhile(Func<char, bool> accept)
    {
        var start = _at;
        while (_at < text.Length && accept(text[_at]))
        {
            _at++;
        }

        return text[start.._at];
    }

    private void SkipSpaces() => ReadWhile(c => c == ' ');

    private bool Peek(char c) => _at < text.Length && text[_at] == c;

    private bool PeekAt(int offset, char c) => _at + offset < text.Length && text[_at + offset] == c;

    private void Expect(char c)
    {
        SkipSpaces();
        if (!Peek(c))
        {
            throw Error($"expected '{c}'");
        }

        _at++;
    }

    private FormatException Error(string message) =>
        new(new StringBuilder(message).Append(" at position ").Append(_at + 1).ToString());
}
