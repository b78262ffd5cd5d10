using System.Text;

namespace ControlPlane.Grains.Migrations;

/// <summary>
/// Splits a script into statements at top-level semicolons, respecting quotes, dollar quotes and comments.
/// Needed for migrations that run outside a transaction: PostgreSQL runs a multi-statement message as one
/// implicit transaction, where <c>CREATE INDEX CONCURRENTLY</c> is refused.
/// </summary>
public static class SqlStatementSplitter
{
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        foreach (var span in Scan(sql))
        {
            if (span.Kind == SqlSpanKind.Semicolon)
            {
                Flush(current, statements);
            }
            else
            {
                current.Append(sql, span.Start, span.End - span.Start);
            }
        }

        Flush(current, statements);
        return statements;
    }

    /// <summary>
    /// The script cut into code, comments, quoted text and top-level semicolons, in order and covering every character:
    /// the one lexer both the runner (<see cref="Split"/>) and the lint read SQL with.
    /// </summary>
    public static IEnumerable<SqlSpan> Scan(string sql)
    {
        var i = 0;
        var code = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            int end;
            SqlSpanKind kind;
            if (c == '-' && Peek(sql, i + 1) == '-')
            {
                end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                kind = SqlSpanKind.Comment;
            }
            else if (c == '/' && Peek(sql, i + 1) == '*')
            {
                end = SkipBlockComment(sql, i);
                kind = SqlSpanKind.Comment;
            }
            else if (c is '\'' or '"')
            {
                end = SkipQuoted(sql, i, c);
                kind = c == '\'' ? SqlSpanKind.StringLiteral : SqlSpanKind.QuotedIdentifier;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                end = close < 0 ? sql.Length : close + tag.Length;
                kind = SqlSpanKind.DollarQuoted;
            }
            else if (c == ';')
            {
                end = i + 1;
                kind = SqlSpanKind.Semicolon;
            }
            else
            {
                i++;
                continue;
            }

            if (code < i)
            {
                yield return new SqlSpan(code, i, SqlSpanKind.Code);
            }

            yield return new SqlSpan(i, end, kind);
            i = code = end;
        }

        if (code < sql.Length)
        {
            yield return new SqlSpan(code, sql.Length, SqlSpanKind.Code);
        }
    }

    private static char Peek(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int SkipBlockComment(string sql, int start)
    {
        // PostgreSQL block comments nest.
        var depth = 0;
        var i = start;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && Peek(sql, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && Peek(sql, i + 1) == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    private static int SkipQuoted(string sql, int start, char quote)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (Peek(sql, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return sql.Length;
    }

    private static string? DollarTag(string sql, int start)
    {
        // $tag$ where tag is empty or an identifier that does not start with a digit ($1 is a parameter).
        var i = start + 1;
        if (i < sql.Length && char.IsDigit(sql[i]))
        {
            return null;
        }

        while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_'))
        {
            i++;
        }

        return i < sql.Length && sql[i] == '$' ? sql[start..(i + 1)] : null;
    }

    private static void Flush(StringBuilder current, List<string> statements)
    {
        var text = current.ToString().Trim();
        current.Clear();
        if (!IsOnlyComments(text))
        {
            statements.Add(text);
        }
    }

    private static bool IsOnlyComments(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return lines.All(l => l.StartsWith("--", StringComparison.Ordinal));
    }
}
