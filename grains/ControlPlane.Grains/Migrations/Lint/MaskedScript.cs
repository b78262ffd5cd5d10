namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// A migration's text with comments, string literals and dollar-quoted bodies blanked out (newlines kept, so offsets
/// and lines stay those of the file): the lint matches keywords here, never inside a comment or a string.
/// </summary>
public sealed class MaskedScript
{
    private readonly int[] _lineStarts;

    public MaskedScript(string sql)
    {
        var masked = sql.ToCharArray();
        var statements = new List<MaskedStatement>();
        var start = 0;
        foreach (var span in SqlStatementSplitter.Scan(sql))
        {
            switch (span.Kind)
            {
                case SqlSpanKind.Comment or SqlSpanKind.DollarQuoted:
                    Blank(masked, span.Start, span.End);
                    break;
                case SqlSpanKind.StringLiteral:
                    // The quotes stay, so "DEFAULT ''" still reads as a default.
                    Blank(masked, span.Start + 1, span.End - 1);
                    break;
                case SqlSpanKind.Semicolon:
                    Add(statements, masked, start, span.Start);
                    start = span.End;
                    break;
            }
        }

        Add(statements, masked, start, masked.Length);
        Text = new string(masked);
        Statements = statements;
        _lineStarts = [0, .. sql.Select((c, i) => (c, i)).Where(p => p.c == '\n').Select(p => p.i + 1)];
    }

    /// <summary>The masked text, as long as the file's.</summary>
    public string Text { get; }

    /// <summary>The statements that hold any code, in file order.</summary>
    public IReadOnlyList<MaskedStatement> Statements { get; }

    /// <summary>The 1-based line of <paramref name="offset"/>.</summary>
    public int LineAt(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        return index >= 0 ? index + 1 : ~index;
    }

    private static void Blank(char[] text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (text[i] is not ('\n' or '\r'))
            {
                text[i] = ' ';
            }
        }
    }

    private static void Add(List<MaskedStatement> statements, char[] masked, int from, int to)
    {
        while (from < to && char.IsWhiteSpace(masked[from]))
        {
            from++;
        }

        if (from < to)
        {
            statements.Add(new MaskedStatement(from, new string(masked, from, to - from).TrimEnd()));
        }
    }
}

/// <summary>A statement of a <see cref="MaskedScript"/>: where it starts in the file and its masked text.</summary>
public sealed record MaskedStatement(int Offset, string Text);
