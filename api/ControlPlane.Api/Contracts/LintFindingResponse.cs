using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Api.Contracts;

/// <summary>A lint finding in a migration file (rules: docs/rollouts.md, "Lint").</summary>
/// <param name="File">The migration file's name.</param>
/// <param name="Line">1-based line of the offending clause.</param>
/// <param name="Rule">Stable rule id, e.g. <c>create-index-not-concurrently</c>; what <c>acceptLint</c> names.</param>
/// <param name="Severity"><c>error</c> (refuses a rollout unless accepted) or <c>warning</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">One line: the safe form.</param>
public sealed record LintFindingResponse(string File, int Line, string Rule, string Severity, string Message, string Fix)
{
    public static LintFindingResponse From(LintFinding finding) =>
        new(finding.File, finding.Line, finding.Rule, finding.Severity == LintSeverity.Error ? "error" : "warning", finding.Message, finding.Fix);
}
