using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using ControlPlane.Api.Audit;
using ControlPlane.Api.Auth;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Rollouts;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ControlPlane.Api.Rollouts;

/// <summary>
/// <c>/v1/rollouts</c>: a schema change rolled out to every tenant in waves, as a durable object. Each rollout is
/// coordinated by its own grain; only one rollout is open at a time.
/// </summary>
public static partial class RolloutsApi
{
    private const int MaxWaves = 20;

    // A reminder further out than this is more likely a typo than a plan; the catalogue will have moved on anyway.
    private static readonly TimeSpan MaxNotBeforeAhead = TimeSpan.FromDays(365);

    // A lock timeout is how long a tenant's own queries may queue behind a migration: beyond a minute it protects nothing.
    private static readonly TimeSpan MinLockTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxLockTimeout = TimeSpan.FromMinutes(1);

    // The tenant call's own response timeout is six hours: a statement may not outlast it.
    private static readonly TimeSpan MinStatementTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxStatementTimeout = TimeSpan.FromHours(6);

    public static RouteGroupBuilder MapRolloutsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/rollouts").WithTags("Rollouts");
        group.MapPost("/", CreateAsync)
            .WithName("StartRollout")
            .WithSummary("Start a rollout (202), now or at notBefore (Scheduled until then), dispatching only inside its windows (WaitingForWindow outside them); 409 when another rollout is open, an applied migration has drifted, or pending migrations have error-level lint findings not in acceptLint.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("rollout.start");
        group.MapPost("/plan", PlanAsync)
            .WithName("PlanRollout")
            .WithSummary("What POST /v1/rollouts with this body would do now (waves, tenants, skips, migrations, drift), changing nothing; ?tenant=slug also says where that tenant lands.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapGet("/", ListAsync)
            .WithName("ListRollouts")
            .WithSummary("Recent rollouts, newest first.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetRollout")
            .WithSummary("A rollout's state, per-wave and total counts, rate, ETA and failed tenants.")
            .RequireAuthorization(ControlPlaneScopes.ReadPolicy);
        group.MapPost("/{id}/pause", (string id, IGrainFactory grains) => ActAsync(id, grains, g => g.PauseAsync()))
            .WithName("PauseRollout").WithSummary("Stop dispatching tenants; those in flight finish.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("rollout.pause");
        group.MapPost("/{id}/resume", (string id, IGrainFactory grains) => ActAsync(id, grains, g => g.ResumeAsync()))
            .WithName("ResumeRollout").WithSummary("Continue a paused or halted rollout.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("rollout.resume");
        group.MapPost("/{id}/cancel", (string id, IGrainFactory grains) => ActAsync(id, grains, g => g.CancelAsync()))
            .WithName("CancelRollout").WithSummary("Stop the rollout for good; unmigrated tenants keep their version.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("rollout.cancel");
        group.MapPost("/{id}/retry-failed", (string id, IGrainFactory grains) => ActAsync(id, grains, g => g.RetryFailedAsync()))
            .WithName("RetryFailedRolloutTenants").WithSummary("Put only the failed tenants back to pending and continue.")
            .RequireAuthorization(ControlPlaneScopes.AdminPolicy)
            .Audited("rollout.retry-failed");
        return group;
    }

    public static async Task<Accepted<RolloutResponse>> CreateAsync(
        CreateRolloutRequest? request, IRolloutRegistry rollouts, IGrainFactory grains, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var plan = Validate(request ?? new CreateRolloutRequest(null, null, null, null), time.GetUtcNow());
        var id = await rollouts.CreateAsync(plan, context.User.Identity?.Name, cancellationToken);
        var to = plan.TargetVersion is int target ? $"to version {target}" : "to the newest version";
        var detail = plan.NotBefore is { } at ? $"{to}, not before {at:O}" : to;
        if (plan.Windows is { } windows)
        {
            detail += $", in windows {string.Join("; ", windows)}";
        }

        if (plan.AcceptLint is { Count: > 0 } accepted)
        {
            detail += $", accepting lint {string.Join(", ", accepted.Distinct(StringComparer.Ordinal))}";
        }

        AuditTrail.Describe(context, target: id, detail: detail);
        var grain = grains.GetGrain<IRolloutGrain>(id);
        if (plan.NotBefore is null)
        {
            // A scheduled rollout is started by its reminder instead (as is one waiting for its window: its drive finds it not Running).
            await grain.WakeAsync();
        }

        var rollout = await grain.GetAsync() ?? throw new RolloutNotFoundException(id);
        return TypedResults.Accepted($"/v1/rollouts/{id}", RolloutResponse.From(rollout));
    }

    /// <summary>The plan a start would record, read and not written; the body is validated as a start's is.</summary>
    public static async Task<Ok<RolloutPlanResponse>> PlanAsync(
        CreateRolloutRequest? request, string? tenant, IRolloutRegistry rollouts, TimeProvider time, CancellationToken cancellationToken)
    {
        var plan = Validate(request ?? new CreateRolloutRequest(null, null, null, null), time.GetUtcNow());
        var slug = string.IsNullOrEmpty(tenant) ? null : TenantSlug.Parse(tenant).Value;
        return TypedResults.Ok(RolloutPlanResponse.From(await rollouts.PlanAsync(plan, slug, cancellationToken)));
    }

    public static async Task<Ok<IReadOnlyList<RolloutResponse>>> ListAsync(IRolloutRegistry rollouts, int? limit, CancellationToken cancellationToken)
    {
        var size = limit ?? 20;
        if (size is < 1 or > 100)
        {
            throw new TenantValidationException("limit", "limit must be between 1 and 100.");
        }

        var list = await rollouts.ListAsync(size, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RolloutResponse>>([.. list.Select(RolloutResponse.From)]);
    }

    public static async Task<Ok<RolloutResponse>> GetAsync(string id, IGrainFactory grains)
    {
        var rollout = await grains.GetGrain<IRolloutGrain>(RequireId(id)).GetAsync() ?? throw new RolloutNotFoundException(id);
        return TypedResults.Ok(RolloutResponse.From(rollout));
    }

    private static async Task<Ok<RolloutResponse>> ActAsync(string id, IGrainFactory grains, Func<IRolloutGrain, Task<RolloutSnapshot>> action) =>
        TypedResults.Ok(RolloutResponse.From(await action(grains.GetGrain<IRolloutGrain>(RequireId(id)))));

    private static string RequireId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? id
            : throw new TenantValidationException("id", "A rollout id is letters, digits and '-'.");

    /// <summary>The one check of a rollout body, for a start and a plan alike.</summary>
    private static RolloutPlan Validate(CreateRolloutRequest request, DateTimeOffset now)
    {
        if (request.TargetVersion is < 1)
        {
            throw new TenantValidationException("targetVersion", "targetVersion must be a migration version (1 or more).");
        }

        if (request.MaxParallel is < 1 or > 1000)
        {
            throw new TenantValidationException("maxParallel", "maxParallel must be between 1 and 1000.");
        }

        if (request.FailureThreshold is < 0 or > 1 || (request.FailureThreshold is double t && double.IsNaN(t)))
        {
            throw new TenantValidationException("failureThreshold", "failureThreshold is a fraction between 0 and 1.");
        }

        List<RolloutWavePlan>? waves = null;
        if (request.Waves is { } requested)
        {
            if (requested.Count is 0 or > MaxWaves)
            {
                throw new TenantValidationException("waves", $"Give between 1 and {MaxWaves} waves, or omit waves for one.");
            }

            waves = [];
            for (var i = 0; i < requested.Count; i++)
            {
                var wave = requested[i];
                var name = wave.Name?.Trim();
                if (string.IsNullOrEmpty(name) || name.Length > 64 || name.Any(char.IsControl))
                {
                    throw new TenantValidationException($"waves[{i}].name", "Each wave needs a name of 1 to 64 characters.");
                }

                if (waves.Any(w => w.Name == name))
                {
                    throw new TenantValidationException($"waves[{i}].name", $"Two waves are named '{name}'.");
                }

                if (wave.Tenants is < 1)
                {
                    throw new TenantValidationException($"waves[{i}].tenants", "A wave's size must be at least 1.");
                }

                var selector = wave.Selector is null ? null : LabelSelector.Parse(wave.Selector, $"waves[{i}].selector").ToString();
                if (wave.Tenants is null && selector is null && i < requested.Count - 1)
                {
                    throw new TenantValidationException(
                        $"waves[{i}].tenants", "Every wave but the last needs a size or a selector (the last takes the rest).");
                }

                waves.Add(new RolloutWavePlan(name, wave.Tenants, selector));
            }
        }

        var lockTimeout = DdlDuration.Parse(request.LockTimeout, "lockTimeout", MinLockTimeout, MaxLockTimeout);
        var statementTimeout = DdlDuration.Parse(request.StatementTimeout, "statementTimeout", MinStatementTimeout, MaxStatementTimeout);
        if (statementTimeout < lockTimeout)
        {
            // A lock wait would then end as a statement timeout: a failure, never the retry the lock timeout is for.
            throw new TenantValidationException("statementTimeout", $"statementTimeout ({request.StatementTimeout}) must not be shorter than lockTimeout ({request.LockTimeout}).");
        }

        return new RolloutPlan(request.TargetVersion, request.MaxParallel, waves, request.FailureThreshold, NotBefore(request.NotBefore, now), request.AcceptLint)
        {
            LockTimeout = lockTimeout,
            StatementTimeout = statementTimeout,
            Windows = Windows(request.Windows),
        };
    }

    private static List<MaintenanceWindow>? Windows(IReadOnlyList<MaintenanceWindowRequest>? requested)
    {
        if (requested is null or { Count: 0 })
        {
            return null;
        }

        if (requested.Count > MaintenanceWindows.Max)
        {
            throw new TenantValidationException("windows", $"Give at most {MaintenanceWindows.Max} maintenance windows.");
        }

        var windows = new List<MaintenanceWindow>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var window = requested[i] ?? throw new TenantValidationException($"windows[{i}]", "A window is an object with days, from, to and timeZone.");
            try
            {
                windows.Add(MaintenanceWindow.Parse(window.Days, window.From, window.To, window.TimeZone));
            }
            catch (InvalidMaintenanceWindowException ex)
            {
                throw new TenantValidationException($"windows[{i}].{ex.Field}", ex.Message);
            }
        }

        return windows;
    }

    /// <summary>When to start, if later than <paramref name="now"/>; null to start now (also for a time already past).</summary>
    private static DateTimeOffset? NotBefore(string? requested, DateTimeOffset now)
    {
        if (requested is null)
        {
            return null;
        }

        // The offset is required: a bare local time would mean whatever the server's time zone says.
        if (!Timestamp().IsMatch(requested)
            || !DateTimeOffset.TryParse(requested, CultureInfo.InvariantCulture, DateTimeStyles.None, out var notBefore))
        {
            throw new TenantValidationException(
                "notBefore", $"notBefore must be an ISO 8601 timestamp with an offset, such as 2026-12-24T02:00:00Z or 2026-12-24T03:00:00+01:00; '{requested}' is not.");
        }

        if (notBefore - now > MaxNotBeforeAhead)
        {
            throw new TenantValidationException("notBefore", $"notBefore may be at most {MaxNotBeforeAhead.TotalDays:0} days ahead.");
        }

        return notBefore > now ? notBefore.ToUniversalTime() : null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();
}
