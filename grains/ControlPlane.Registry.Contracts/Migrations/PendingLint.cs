namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>The lint of the files a rollout plan would run.</summary>
/// <param name="FromVersion">The lowest version among the tenants the rollout would migrate (pending files are above it); null when no tenant would be migrated.</param>
/// <param name="TargetVersion">The version the plan reaches.</param>
/// <param name="Findings">Every finding in the pending files, oldest file first.</param>
/// <param name="Accepted">The rule ids the request accepted, as given.</param>
public sealed record PendingLint(int? FromVersion, int TargetVersion, IReadOnlyList<LintFinding> Findings, IReadOnlyList<string> Accepted)
{
    /// <summary>The error-level findings no accepted rule covers: a rollout with any is refused.</summary>
    public IReadOnlyList<LintFinding> Refused => [.. Findings.Where(f => f.Severity == LintSeverity.Error && !Accepted.Contains(f.Rule, StringComparer.Ordinal))];
}
