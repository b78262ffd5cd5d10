namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>How much a lint finding matters to a rollout.</summary>
public enum LintSeverity
{
    /// <summary>Locks or rewrites a live tenant's table, fails on tenants with data, or breaks the running application: refuses a rollout unless accepted.</summary>
    Error,

    /// <summary>Worth knowing; never refuses a rollout.</summary>
    Warning,
}
