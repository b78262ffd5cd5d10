using ControlPlane.Registry.Contracts.Rollouts;

namespace ControlPlane.Api.Contracts;

/// <summary>
/// <c>POST /v1/rollouts/plan</c>: what <c>POST /v1/rollouts</c> with the same body would do now. Nothing is written.
/// <c>Drift</c> lists tenants whose applied migrations differ from the catalogue: a start is refused (409) while it
/// is not empty. <c>Tenant</c> is filled when <c>?tenant=slug</c> asked where one tenant lands. <c>Lint</c> lists the
/// findings in the files the pending tenants would receive, <c>LintRefused</c> the error-level ones <c>acceptLint</c>
/// does not accept: a start is refused (409) while it is not empty. <c>Pooled</c> lists each pooled schema, one unit
/// of the first wave (counted in its <c>Tenants</c> and <c>Pending</c>), with the pooled migrations it would receive,
/// its tenants, and a <c>Refusal</c> that refuses a start (409) while it is set.
/// </summary>
public sealed record RolloutPlanResponse(
    int TargetVersion,
    int Tenants,
    int Pending,
    IReadOnlyList<RolloutPlanWaveResponse> Waves,
    IReadOnlyList<RolloutPreviewSkip> Skipped,
    IReadOnlyList<string> Drift,
    int DriftCount,
    RolloutPreviewTenant? Tenant,
    IReadOnlyList<LintFindingResponse> Lint,
    IReadOnlyList<LintFindingResponse> LintRefused,
    IReadOnlyList<RolloutPreviewPooled>? Pooled = null)
{
    public static RolloutPlanResponse From(RolloutPreview plan) => new(
        plan.TargetVersion,
        plan.Waves.Sum(w => w.Tenants),
        plan.Waves.Sum(w => w.Pending),
        [.. plan.Waves.Select(w => new RolloutPlanWaveResponse(w.Name, w.Selector, w.RequestedTenants, w.Tenants, w.Pending, w.Skipped, w.FirstTenants, w.Migrations))],
        plan.Skipped,
        plan.Drift,
        plan.DriftCount,
        plan.Tenant,
        [.. plan.Lint.Findings.Select(LintFindingResponse.From)],
        [.. plan.Lint.Refused.Select(LintFindingResponse.From)],
        plan.Pooled ?? []);
}

/// <summary>
/// One wave of a plan: the selector or size asked for, every tenant it takes (<c>Tenants</c>, its size once started),
/// how many would be migrated or skipped, the first of them, and the migrations by starting version.
/// </summary>
public sealed record RolloutPlanWaveResponse(
    string Name,
    string? Selector,
    int? RequestedTenants,
    int Tenants,
    int Pending,
    int Skipped,
    IReadOnlyList<string> FirstTenants,
    IReadOnlyList<RolloutPreviewMigrations> Migrations);
