namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>A rollout's pending files have error-level lint findings the request did not accept (answered as 409 listing them).</summary>
public sealed class MigrationLintException(IReadOnlyList<LintFinding> findings)
    : Exception(
        $"{findings.Count} error-level lint finding(s) in the pending migrations ({string.Join(", ", findings.Select(f => f.Rule).Distinct())}), so nothing was started. "
        + "Make the migrations safe, or accept the rules explicitly with \"acceptLint\": [\"rule\", ...].")
{
    /// <summary>The findings that refused the rollout.</summary>
    public IReadOnlyList<LintFinding> Findings { get; } = findings;
}
