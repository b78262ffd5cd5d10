namespace ControlPlane.Grains.Migrations;

/// <summary>A piece of a SQL script as <see cref="SqlStatementSplitter.Scan"/> reads it: characters <c>[Start, End)</c>.</summary>
public readonly record struct SqlSpan(int Start, int End, SqlSpanKind Kind);

/// <summary>What a <see cref="SqlSpan"/> holds.</summary>
public enum SqlSpanKind
{
    /// <summary>SQL outside quotes and comments.</summary>
    Code,

    /// <summary>A <c>--</c> line comment (without its newline) or a (nested) <c>/* */</c> block comment.</summary>
    Comment,

    /// <summary>A <c>'...'</c> string literal.</summary>
    StringLiteral,

    /// <summary>A <c>"..."</c> quoted identifier.</summary>
    QuotedIdentifier,

    /// <summary>A <c>$tag$...$tag$</c> dollar-quoted string (function and DO bodies).</summary>
    DollarQuoted,

    /// <summary>A semicolon that ends a statement.</summary>
    Semicolon,
}
