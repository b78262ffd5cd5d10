namespace ControlPlane.Cli.Contracts;

/// <summary><c>POST /v1/rollouts/plan</c>: what a start with the same body would do now.</summary>
internal sealed record RolloutPlanResponse(
    int TargetVersion,
    int Tenants,
    int Pending,
    IReadOnlyList<RolloutPlanWave> Waves,
    IReadOnlyList<RolloutPlanSkip> Skipped,
    IReadOnlyList<string> Drift,
    int DriftCount,
    RolloutPlanTenant? Tenant,
    IReadOnlyList<LintFindingResponse>? Lint = null,
    IReadOnlyList<LintFindingResponse>? LintRefused = null,
    IReadOnlyList<RolloutPlanPooled>? Pooled = null);

/// <summary>A pooled schema as one unit of the plan, its pooled tenants and what would refuse a start.</summary>
internal sealed record RolloutPlanPooled(
    string Name, string Schema, string Wave, string Status, string? Reason, int FromVersion, IReadOnlyList<int> Versions, int Tenants, string? Refusal);

/// <summary>One wave of a plan.</summary>
internal sealed record RolloutPlanWave(
    string Name, string? Selector, int? RequestedTenants, int Tenants, int Pending, int Skipped, IReadOnlyList<string> FirstTenants, IReadOnlyList<RolloutPlanMigrations> Migrations);

/// <summary>Tenants starting from one version and the migrations each would receive.</summary>
internal sealed record RolloutPlanMigrations(int FromVersion, IReadOnlyList<int> Versions, int Tenants);

/// <summary>Tenants skipped for one reason.</summary>
internal sealed record RolloutPlanSkip(string Reason, int Tenants, IReadOnlyList<string> FirstTenants);

/// <summary>Where one tenant lands.</summary>
internal sealed record RolloutPlanTenant(string Slug, string Wave, string Status, string? Reason, int FromVersion, IReadOnlyList<int> Versions);
