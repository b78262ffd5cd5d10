using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Api.Paging;
using ControlPlane.Api.Telemetry;
using ControlPlane.Grains;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Tenants;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Tenants;

/// <summary>
/// <c>/v1/tenants</c>: onboarding and operating tenants. Every request about one tenant is routed to its grain.
/// </summary>
public static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tenants").WithTags("Tenants");

        group.MapPost("/", CreateAsync)
            .WithName("CreateTenant")
            .WithSummary("Onboard a tenant: registers it and starts provisioning (202); the same request again returns the same tenant.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("tenant.onboard");
        group.MapPost("/adopt", AdoptAsync)
            .WithName("AdoptTenant")
            .WithSummary("Register an existing schema as a tenant at a baseline version after checking its structure (201); a mismatch is 409 with the differences.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("tenant.adopt");
        group.MapGet("/", ListAsync)
            .WithName("ListTenants")
            .WithSummary("List tenants by slug, optionally filtered by state, version, label selectors (label=plan=free, repeatable: all must hold) and text in slug or display name (q=, any case), paged with an opaque cursor.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapGet("/{slug}", GetAsync)
            .WithName("GetTenant")
            .WithSummary("A tenant's provisioning state, version, last error and timeline.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapPatch("/{slug}", UpdateAsync)
            .Audited("tenant.label")
            .WithName("UpdateTenant")
            .WithSummary("Change a tenant's labels (a merge patch: null removes a key); If-Match makes it conditional.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapGet("/{slug}/connection", CheckConnectionAsync)
            .WithName("CheckTenantConnection")
            .WithSummary("Log in through the tenant's own pool and report the role and search path it runs with.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapPost("/{slug}/retry", RetryAsync)
            .Audited("tenant.retry")
            .WithName("RetryTenant")
            .WithSummary("Retry a Failed tenant's failed step now.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapPost("/{slug}/suspend", SuspendAsync)
            .Audited("tenant.suspend")
            .WithName("SuspendTenant")
            .WithSummary("Suspend an Active tenant: its role can no longer log in.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapPost("/{slug}/resume", ResumeAsync)
            .Audited("tenant.resume")
            .WithName("ResumeTenant")
            .WithSummary("Resume a Suspended tenant, or a Retained one before its purgeAt (back Active with its data).")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapPost("/{slug}/move", MoveAsync)
            .Audited("tenant.move")
            .WithName("MoveTenant")
            .WithSummary("Move an Active tenant to the other tier ({\"tier\":\"schema\"} or {\"tier\":\"pooled\"}): 202 while the move runs (the resource's move shows its phase), 200 when it is in that tier already.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapDelete("/{slug}", DeleteAsync)
            .Audited("tenant.delete")
            .WithName("DeleteTenant")
            .WithSummary("Deprovision a tenant: drops its schema and role; the registry row and history are kept. ?retainFor=P30D (ISO 8601; default ControlPlane:Tenants:DeleteRetention, 0 = at once) takes a Final backup and keeps it Retained, unable to serve, until purgeAt.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy);
        group.MapBackupsApi();
        return group;
    }

    public static async Task<Results<Accepted<TenantResponse>, Ok<TenantResponse>>> CreateAsync(
        CreateTenantRequest request, IGrainFactory grains, HttpContext context)
    {
        var response = context.Response;
        var slug = TenantSlug.Parse(request.Slug);
        AuditTrail.Describe(context, tenant: slug.Value);
        RequestTelemetry.TagTenant(slug.Value);
        if (string.IsNullOrWhiteSpace(request.DisplayName))
        {
            throw new TenantValidationException("displayName", "The displayName is required.");
        }

        // Checked here too (the grain checks again) so that a bad label is refused before anything is registered.
        TenantLabels.Validate(request.Labels);
        if (request.ImportFrom is { Schema: null })
        {
            throw new TenantValidationException("importFrom.schema", "Name the schema to import from: {\"importFrom\":{\"schema\":\"public\"}}.");
        }

        TenantTier? tier = null;
        if (request.Tier is { } askedTier)
        {
            tier = TenantTiers.TryParse(askedTier, out var parsedTier)
                ? parsedTier
                : throw new TenantValidationException("tier", $"'{askedTier}' is not a tier; use \"schema\" (its own schema) or \"pooled\" (shared tables under row-level security).");
        }

        var provision = new ProvisionRequest(request.DisplayName, request.Labels)
        {
            CloneFrom = request.CloneFrom, ImportFromSchema = request.ImportFrom?.Schema, Tier = tier,
        };
        var result = await grains.GetGrainByKey<ITenantGrain>(slug.Value).ProvisionAsync(provision);
        var location = Location(slug);
        EntityTag.Write(response, result.Tenant.Etag);
        if (result.Created)
        {
            return TypedResults.Accepted(location, TenantResponse.From(result.Tenant));
        }

        response.Headers.Location = location;
        return TypedResults.Ok(TenantResponse.From(result.Tenant));
    }

    /// <summary>Adoption registers the tenant at once (201); it becomes Active after Activate's checks, as a new tenant does.</summary>
    public static async Task<Created<TenantResponse>> AdoptAsync(AdoptTenantRequest request, IGrainFactory grains, HttpContext context)
    {
        var slug = TenantSlug.Parse(request.Slug);
        AuditTrail.Describe(context, tenant: slug.Value, detail: $"schema {request.Schema} at version {request.BaselineVersion}");
        RequestTelemetry.TagTenant(slug.Value);
        if (string.IsNullOrWhiteSpace(request.DisplayName))
        {
            throw new TenantValidationException("displayName", "The displayName is required.");
        }

        if (request.BaselineVersion is not int version)
        {
            throw new TenantValidationException("baselineVersion", "Give the catalogue version the schema is at, e.g. \"baselineVersion\": 3.");
        }

        var tenant = await grains.GetGrainByKey<ITenantGrain>(slug.Value).AdoptAsync(new AdoptRequest(request.DisplayName, request.Schema ?? string.Empty, version));
        EntityTag.Write(context.Response, tenant.Etag);
        return TypedResults.Created(Location(slug), TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantListResponse>> ListAsync(
        ITenantRegistryReader registry, string? state, int? version, [FromQuery(Name = "label")] string[]? label, string? q, string? tier,
        int? limit, string? after, CancellationToken cancellationToken)
    {
        var filter = TenantFilterQuery.Parse(state, version, label, q, tier);
        var pageSize = PageLimit.Resolve(limit);
        var afterSlug = string.IsNullOrEmpty(after) ? null : TenantCursor.Decode(after);
        var page = await registry.ListAsync(filter, pageSize, afterSlug, cancellationToken);
        return TypedResults.Ok(new TenantListResponse(
            [.. page.Items.Select(TenantSummaryResponse.From)],
            page.NextAfter is null ? null : TenantCursor.Encode(page.NextAfter)));
    }

    /// <summary>
    /// The tenant. With <c>If-None-Match</c> it is a conditional GET (304 when unchanged); adding <c>Prefer: wait=N</c>
    /// holds the request until the tenant changes or N seconds pass, so clients follow provisioning without polling.
    /// </summary>
    public static async Task<Results<Ok<TenantResponse>, StatusCodeHttpResult>> GetAsync(
        string slug, IGrainFactory grains, ITenantChangeWaiter changes, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var grain = grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value);
        var known = EntityTag.ReadIfNoneMatch(request);
        var tenant = await grain.GetAsync() ?? throw new TenantNotFoundException(tenantSlug.Value);
        if (known == tenant.Etag && PreferWait.Read(request) is { } wait)
        {
            using var subscription = changes.Subscribe(tenantSlug.Value);
            var deadline = DateTime.UtcNow + wait;
            tenant = await grain.GetAsync() ?? throw new TenantNotFoundException(tenantSlug.Value);
            while (tenant.Etag == known && DateTime.UtcNow < deadline)
            {
                // Re-read at least every two seconds: a notification can be lost while the listener reconnects.
                var remaining = deadline - DateTime.UtcNow;
                await subscription.WaitAsync(remaining < TimeSpan.FromSeconds(2) ? remaining : TimeSpan.FromSeconds(2), cancellationToken);
                tenant = await grain.GetAsync() ?? throw new TenantNotFoundException(tenantSlug.Value);
            }

            response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";
        }

        EntityTag.Write(response, tenant.Etag);
        return known == tenant.Etag
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantResponse>> UpdateAsync(
        string slug, UpdateTenantRequest? body, IGrainFactory grains, HttpContext context)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        if (body?.Labels is not { } changes)
        {
            throw new TenantValidationException("labels", "Give the labels to change, e.g. {\"labels\":{\"plan\":\"enterprise\",\"trial\":null}}.");
        }

        // Validated before the grain is called so that the refusal names the field even for a tenant that does not exist.
        TenantLabels.Merge(TenantLabels.None, changes);

        AuditTrail.Describe(context, detail: string.Join(", ", changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value is null ? $"{c.Key}-" : $"{c.Key}={c.Value}")));
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).SetLabelsAsync(changes, EntityTag.ReadIfMatch(context.Request));
        EntityTag.Write(context.Response, tenant.Etag);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantConnectionCheck>> CheckConnectionAsync(string slug, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrainByKey<ITenantGrain>(TenantSlug.Parse(slug).Value).CheckConnectionAsync());

    public static async Task<Accepted<TenantResponse>> RetryAsync(string slug, IGrainFactory grains, HttpRequest request, HttpResponse response)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).RetryAsync(EntityTag.ReadIfMatch(request));
        EntityTag.Write(response, tenant.Etag);
        return TypedResults.Accepted(Location(tenantSlug), TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantResponse>> SuspendAsync(string slug, IGrainFactory grains, HttpRequest request, HttpResponse response)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).SuspendAsync(EntityTag.ReadIfMatch(request));
        EntityTag.Write(response, tenant.Etag);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    public static async Task<Ok<TenantResponse>> ResumeAsync(string slug, IGrainFactory grains, HttpRequest request, HttpResponse response)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).ResumeAsync(EntityTag.ReadIfMatch(request));
        EntityTag.Write(response, tenant.Etag);
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    /// <summary>
    /// Starts a move between tiers (docs/tiers.md): 202 with the tenant and its <c>move</c> while it runs; 200 when the
    /// tenant is in that tier already with no move running (asking again changes nothing).
    /// </summary>
    public static async Task<Results<Accepted<TenantResponse>, Ok<TenantResponse>>> MoveAsync(
        string slug, MoveTenantRequest? body, IGrainFactory grains, HttpContext context)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        if (!TenantTiers.TryParse(body?.Tier, out var tier))
        {
            throw new TenantValidationException("tier", body?.Tier is null
                ? "Name the tier to move to: {\"tier\":\"schema\"} or {\"tier\":\"pooled\"}."
                : $"'{body.Tier}' is not a tier; use \"schema\" (its own schema) or \"pooled\" (shared tables under row-level security).");
        }

        AuditTrail.Describe(context, tenant: tenantSlug.Value, detail: $"to the {tier.ToText()} tier");
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).MoveAsync(tier, EntityTag.ReadIfMatch(context.Request));
        EntityTag.Write(context.Response, tenant.Etag);
        return tenant.Move is null
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : TypedResults.Accepted(Location(tenantSlug), TenantResponse.From(tenant));
    }

    /// <summary>
    /// Without a retention period (none given and none configured, or <c>0</c>) the tenant is deprovisioned at once
    /// (202, 200 once Deleted); with one it is Retained until <c>purgeAt</c> (200).
    /// </summary>
    public static async Task<Results<Accepted<TenantResponse>, Ok<TenantResponse>>> DeleteAsync(
        string slug, string? retainFor, IGrainFactory grains, HttpRequest request, HttpResponse response)
    {
        var tenantSlug = TenantSlug.Parse(slug);
        var period = RetentionPeriod.ParseQuery(retainFor);
        var tenant = await grains.GetGrainByKey<ITenantGrain>(tenantSlug.Value).DeleteAsync(EntityTag.ReadIfMatch(request), period);
        EntityTag.Write(response, tenant.Etag);
        return tenant.Status is TenantStatus.Deleted or TenantStatus.Retained
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : TypedResults.Accepted(Location(tenantSlug), TenantResponse.From(tenant));
    }

    private static string Location(TenantSlug slug) => $"/v1/tenants/{slug.Value}";
}
