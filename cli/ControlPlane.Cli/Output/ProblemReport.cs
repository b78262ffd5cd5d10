using System.Text.Json;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Http;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>Prints an API problem on stderr so a person can act on it: title, detail, each field error, extensions.</summary>
internal static class ProblemReport
{
    public static void Write(IAnsiConsole error, ApiProblemException failure)
    {
        var problem = failure.Problem;
        error.MarkupLineInterpolated($"[red]error:[/] [bold]{problem.Title}[/] [grey]({problem.Status} on {failure.Request})[/]");

        // A validation problem's detail repeats its first field error; print the field errors alone then.
        var detailRepeatsErrors = problem.Errors.Keys.Any(field => problem.Detail?.StartsWith(field + ":", StringComparison.Ordinal) == true);
        if (problem.Detail is { Length: > 0 } detail && !detailRepeatsErrors)
        {
            error.MarkupLineInterpolated($"  {detail}");
        }

        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                error.MarkupLineInterpolated($"  [yellow]{field}[/]: {message}");
            }
        }

        foreach (var (name, values) in problem.Extensions)
        {
            WriteExtension(error, name, values);
        }

        if (Hint(problem) is { } hint)
        {
            error.MarkupLineInterpolated($"[grey]hint: {hint}[/]");
        }
    }

    private static void WriteExtension(IAnsiConsole error, string name, IReadOnlyList<string> values)
    {
        switch (name)
        {
            case "openRolloutId" when values.Count == 1:
                error.MarkupLineInterpolated($"  open rollout: [bold]{values[0]}[/] (see: controlplane rollouts get {values[0]})");
                break;
            case "findings":
                foreach (var value in values)
                {
                    if (JsonSerializer.Deserialize<LintFindingResponse>(value, CliJson.Api) is { } finding)
                    {
                        MigrationViews.Finding(error, finding);
                    }
                }

                break;
            case "details":
                foreach (var value in values)
                {
                    error.MarkupLineInterpolated($"  - {value}");
                }

                break;
            default:
                error.MarkupLineInterpolated($"  {name}: {string.Join(", ", values)}");
                break;
        }
    }

    private static string? Hint(ApiProblem problem) => problem.Status switch
    {
        401 => "pass the admin key with --api-key or CONTROLPLANE_API_KEY (./run.sh writes it to .controlplane/admin-api-key)",
        403 => "this key may not do that; use the admin key",
        409 when problem.Extensions.Any(e => e.Key == "findings") => "make the migrations safe, or accept the rules with --accept-lint rule1,rule2",
        503 => "the control plane is busy; try again in a moment",
        _ => null,
    };
}
