using System.Text.Json;
using System.Text.RegularExpressions;
using ControlPlane.Api.CallerTenant;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Backups;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.ApiKeys;
using ControlPlane.Registry.Contracts.Migrations;
using ControlPlane.Registry.Contracts.Pooled;
using Orleans.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ControlPlane.Api.Errors;

/// <summary>Maps domain and runtime exceptions to RFC 7807 problem details with the right status code.</summary>
internal sealed partial class ControlPlaneExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            TenantValidationException v => Validation(v.Field, v.Message),
            BadHttpRequestException { InnerException: JsonException json } => Validation(FieldOf(json), CleanJsonMessage(json)),
            BadHttpRequestException bad => Problem(bad.StatusCode, "Bad request", bad.Message),
            TenantNotServingException notServing => Problem(StatusCodes.Status403Forbidden, notServing.State == TenantStatus.Suspended ? "Tenant suspended" : "Tenant not serving", notServing.Message, ("state", notServing.State?.ToString() ?? "Unknown")),
            TenantWritesHeldException held => Problem(StatusCodes.Status503ServiceUnavailable, "Writes held", held.Message),
            MissingTenantContextException missing => Problem(StatusCodes.Status403Forbidden, "Forbidden", missing.Message),
            TenantRowNotFoundException row => Problem(StatusCodes.Status404NotFound, "Not found", row.Message),
            TenantDataConflictException clash => Validation(clash.Field, clash.Message, StatusCodes.Status409Conflict, "Conflict"),
            ApiKeyConflictException keyClash => Validation("name", keyClash.Message, StatusCodes.Status409Conflict, "Conflict"),
            TenantNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Tenant not found", notFound.Message),
            BackupNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Backup not found", notFound.Message),
            BackupRefusedException refused => Problem(StatusCodes.Status409Conflict, "Backup refused", refused.Message, ("reason", refused.Reason), ("backupId", refused.BackupId)),
            InvalidTenantTransitionException transition => Problem(StatusCodes.Status409Conflict, "Not allowed in the current state", transition.Message, ("state", transition.Current.ToString())),
            TenantSourceMismatchException source => SourceMismatch(source),
            TenantConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            TenantPreconditionFailedException stale => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", stale.Message, ("etag", stale.Actual)),
            RolloutNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Rollout not found", notFound.Message),
            RolloutConflictException conflict => RolloutConflict(conflict),
            PooledSchemaNotMadeException notMade => Problem(StatusCodes.Status404NotFound, "Pooled schema not made", notMade.Message, ("schema", notMade.Schema)),
            PooledPoliciesNotReadyException notReady => Problem(StatusCodes.Status409Conflict, "Pooled tables not ready", notReady.Message,
                ("schema", notReady.Schema), ("tables", notReady.Tables.Select(t => new { table = t.Table, notReady = t.NotReadyBecause }).ToList())),
            MigrationLintException lint => Problem(StatusCodes.Status409Conflict, "Migration lint", lint.Message, ("findings", lint.Findings.Select(LintFindingResponse.From).ToList())),
            // Orleans' overload limits (MaxEnqueuedRequestsHardLimit, a gateway's load shedding) and a silo that is
            // leaving or unreachable: nothing was done, so the caller may retry.
            LimitExceededException full => Problem(StatusCodes.Status503ServiceUnavailable, "Busy", $"The tenant's grain has too many requests waiting; retry later. ({full.Message})"),
            GatewayTooBusyException busy => Problem(StatusCodes.Status503ServiceUnavailable, "Busy", busy.Message),
            SiloUnavailableException unavailable => Problem(StatusCodes.Status503ServiceUnavailable, "Unavailable", unavailable.Message),
            OrleansMessageRejectionException rejected => Problem(StatusCodes.Status503ServiceUnavailable, "Unavailable", rejected.Message),
            TimeoutException timeout => Problem(StatusCodes.Status503ServiceUnavailable, "Timed out", timeout.Message),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails RolloutConflict(RolloutConflictException conflict)
    {
        var problem = Problem(StatusCodes.Status409Conflict, "Rollout conflict", conflict.Message);
        if (conflict.OpenRolloutId is { } open)
        {
            problem.Extensions["openRolloutId"] = open;
        }

        if (conflict.Details.Count > 0)
        {
            problem.Extensions["details"] = conflict.Details;
        }

        return problem;
    }

    // Names the field like a validation problem, and lists each difference from the model in "differences".
    private static HttpValidationProblemDetails SourceMismatch(TenantSourceMismatchException source)
    {
        var problem = Validation(source.Field, source.Message, StatusCodes.Status409Conflict, "Source does not match");
        problem.Extensions["differences"] = source.Differences;
        return problem;
    }

    private static HttpValidationProblemDetails Validation(
        string field, string message, int status = StatusCodes.Status400BadRequest, string title = "The request is not valid") =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = status,
            Title = title,
            Detail = $"{field}: {message}",
        };

    private static ProblemDetails Problem(int status, string title, string detail, params (string Key, object Value)[] extensions)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    private static string FieldOf(JsonException json)
    {
        if (UnmappedProperty().Match(json.Message) is { Success: true } unmapped)
        {
            return unmapped.Groups["name"].Value;
        }

        var path = json.Path ?? "$";
        return path is "$" or "" ? "body" : path.TrimStart('$', '.');
    }

    private static string CleanJsonMessage(JsonException json)
    {
        if (UnmappedProperty().Match(json.Message) is { Success: true } unmapped)
        {
            return $"Unknown field '{unmapped.Groups["name"].Value}'.";
        }

        // System.Text.Json appends "Path: ... | LineNumber: ..."; the field is already named separately.
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        return message.Replace("System.", string.Empty, StringComparison.Ordinal);
    }

    [GeneratedRegex("The JSON property '(?<name>[^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
