using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Pooled;
using ControlPlane.Registry.Contracts.Pooled;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Pooled;

/// <summary>
/// <c>/v1/pooled/policies</c>: the pooled schema's row-level security, table by table, and the switch between enforced
/// and shadow mode (docs/tiers.md). A switch to the mode the schema is in changes nothing and answers the same.
/// </summary>
public static class PooledPoliciesApi
{
    public static RouteGroupBuilder MapPooledPoliciesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/pooled/policies").WithTags("Pooled");
        group.MapGet("/", ReportAsync)
            .WithName("GetPooledPolicies")
            .WithSummary("Per pooled table: tenant_id, policy, RLS enabled, forced, an index leading with tenant_id; the mode, and what isolation rests on in it. 404 before the pooled schema is made.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapPost("/enforce", (IPooledPolicies policies, HttpContext context, CancellationToken cancellationToken) =>
                SwitchAsync(PooledPolicyMode.Enforced, policies, context, cancellationToken))
            .WithName("EnforcePooledPolicies")
            .WithSummary("Enable and force row-level security on every pooled table (making the pooled schema if it is not yet); 409 naming each table that is not ready, changing nothing.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("pooled.policies.enforce");
        group.MapPost("/shadow", (IPooledPolicies policies, HttpContext context, CancellationToken cancellationToken) =>
                SwitchAsync(PooledPolicyMode.Shadow, policies, context, cancellationToken))
            .WithName("ShadowPooledPolicies")
            .WithSummary("Keep the policies but disable row-level security on every pooled table (making the pooled schema if it is not yet): isolation then rests on the data API alone.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("pooled.policies.shadow");
        return group;
    }

    public static async Task<Ok<PooledPoliciesResponse>> ReportAsync(IPooledPolicies policies, CancellationToken cancellationToken) =>
        TypedResults.Ok(PooledPoliciesResponse.From(await policies.ReportAsync(cancellationToken)));

    public static async Task<Ok<PooledPoliciesResponse>> SwitchAsync(
        PooledPolicyMode mode, IPooledPolicies policies, HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            var done = await policies.SwitchAsync(mode, cancellationToken);
            var to = PooledPoliciesResponse.ModeText(mode);
            var detail = done.Previous == mode ? $"already {to}" : $"{PooledPoliciesResponse.ModeText(done.Previous)} -> {to}";
            AuditTrail.Describe(context, target: done.Report.Schema, detail: done.Created ? $"{detail} (pooled schema made)" : detail);
            return TypedResults.Ok(PooledPoliciesResponse.From(done));
        }
        catch (PooledPoliciesNotReadyException refused)
        {
            AuditTrail.Describe(context, target: refused.Schema, detail: $"refused: not ready: {string.Join(", ", refused.Tables.Select(t => t.Table))}");
            throw;
        }
    }
}
