using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>Where a statement's findings go: turns an offset within the statement into the file's line.</summary>
public sealed class LintSink(string file, MaskedScript script, int statementOffset, List<LintFinding> findings)
{
    public void Add(LintRule rule, int offsetInStatement, string message, string fix, LintSeverity? severity = null) =>
        findings.Add(rule.At(file, script.LineAt(statementOffset + offsetInStatement), message, fix, severity));
}
