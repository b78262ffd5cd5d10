namespace ControlPlane.Grains.Migrations;

/// <summary>One versioned migration file.</summary>
/// <param name="Version">The number after <c>V</c>.</param>
/// <param name="Name">The description after <c>__</c>, underscores as spaces.</param>
/// <param name="FileName">The file's name.</param>
/// <param name="Sql">The file's text.</param>
/// <param name="Checksum">SHA-256 of the text with line endings normalized.</param>
/// <param name="Transactional">False when the file is marked <c>-- controlplane:no-transaction</c> (e.g. CREATE INDEX CONCURRENTLY).</param>
public sealed record MigrationScript(int Version, string Name, string FileName, string Sql, string Checksum, bool Transactional)
{
    private IReadOnlyList<string>? _statements;

    /// <summary>The file's statements, split once (a rollout sends them for every tenant).</summary>
    public IReadOnlyList<string> Statements => _statements ??= [.. SqlStatementSplitter.Split(Sql).Where(s => !string.IsNullOrWhiteSpace(s))];
}
