using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Registry.Contracts.Rollouts;

/// <summary>What a rollout plan would do if started now: computed by the same query a start records, writing nothing.</summary>
/// <param name="TargetVersion">The version the rollout would reach.</param>
/// <param name="Waves">Each wave, in order, with the tenants it would take.</param>
/// <param name="Skipped">Tenants the rollout would skip, grouped by reason.</param>
/// <param name="Drift">Tenants whose applied migrations differ from the catalogue ("slug: detail"); a start is refused while any are listed.</param>
/// <param name="DriftCount">How many tenants drifted (<paramref name="Drift"/> shows at most the first 50).</param>
/// <param name="Tenant">Where one asked-for tenant would land, when one was asked for.</param>
/// <param name="Lint">The lint of the files the pending tenants would receive; a start is refused while <c>Lint.Refused</c> is not empty.</param>
/// <param name="Pooled">Each pooled schema, one unit of the first wave (its tenants are not planned one by one); a start is refused while one has a <c>Refusal</c>.</param>
public sealed record RolloutPreview(
    int TargetVersion,
    IReadOnlyList<RolloutPreviewWave> Waves,
    IReadOnlyList<RolloutPreviewSkip> Skipped,
    IReadOnlyList<string> Drift,
    int DriftCount,
    RolloutPreviewTenant? Tenant,
    PendingLint Lint,
    IReadOnlyList<RolloutPreviewPooled>? Pooled = null);

/// <summary>A pooled schema as one unit of a plan (docs/tiers.md, "Rollouts").</summary>
/// <param name="Name">Its name among the rollout's tenants: <c>pooled:&lt;schema&gt;</c>.</param>
/// <param name="Schema">The pooled schema.</param>
/// <param name="Wave">The wave it is in (the first).</param>
/// <param name="Status">Pending or Skipped, as for a tenant.</param>
/// <param name="Reason">Why it is skipped.</param>
/// <param name="FromVersion">The pooled schema's version now.</param>
/// <param name="Versions">The pooled catalogue's migrations it would receive.</param>
/// <param name="Tenants">Pooled tenants in it, which take the version it reaches.</param>
/// <param name="Refusal">Why a start would be refused (its catalogue lacks the target, or drifted); null when nothing stops it.</param>
public sealed record RolloutPreviewPooled(
    string Name, string Schema, string Wave, string Status, string? Reason, int FromVersion, IReadOnlyList<int> Versions, int Tenants, string? Refusal);

/// <summary>One wave of a plan.</summary>
/// <param name="Name">The wave's name.</param>
/// <param name="Selector">The label selector it takes tenants by (null: by size).</param>
/// <param name="RequestedTenants">The size asked for (null: all that remain or match).</param>
/// <param name="Tenants">Every tenant assigned to the wave (its size in the rollout), skipped ones included.</param>
/// <param name="Pending">Those that would be migrated.</param>
/// <param name="Skipped">Those that would be skipped.</param>
/// <param name="FirstTenants">The first pending tenants in the rollout's order (at most 10).</param>
/// <param name="Migrations">The migrations the pending tenants would receive, grouped by the version they start from.</param>
public sealed record RolloutPreviewWave(
    string Name,
    string? Selector,
    int? RequestedTenants,
    int Tenants,
    int Pending,
    int Skipped,
    IReadOnlyList<string> FirstTenants,
    IReadOnlyList<RolloutPreviewMigrations> Migrations);

/// <summary>Tenants starting from <paramref name="FromVersion"/>, and the migration versions each of them would receive.</summary>
public sealed record RolloutPreviewMigrations(int FromVersion, IReadOnlyList<int> Versions, int Tenants);

/// <summary>Tenants skipped for one reason (the first 10 by slug).</summary>
public sealed record RolloutPreviewSkip(string Reason, int Tenants, IReadOnlyList<string> FirstTenants);

/// <summary>One tenant's place in a plan: its wave, whether it would be migrated or skipped and why, and its migrations.</summary>
public sealed record RolloutPreviewTenant(string Slug, string Wave, string Status, string? Reason, int FromVersion, IReadOnlyList<int> Versions);
