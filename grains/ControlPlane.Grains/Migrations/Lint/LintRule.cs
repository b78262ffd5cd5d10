using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>A lint rule: its stable id (what <c>acceptLint</c> names), its severity, and why it exists.</summary>
public sealed record LintRule(string Id, LintSeverity Severity, string Why)
{
    /// <summary>A finding of this rule at <paramref name="line"/> of <paramref name="file"/>.</summary>
    public LintFinding At(string file, int line, string message, string fix, LintSeverity? severity = null) =>
        new(file, line, Id, severity ?? Severity, message, fix);
}
