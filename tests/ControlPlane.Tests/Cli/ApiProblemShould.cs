using System.Net;
using ControlPlane.Cli;
using ControlPlane.Cli.Http;

namespace ControlPlane.Tests.Cli;

/// <summary>Error answers read into problems, whether or not they are RFC 7807.</summary>
public sealed class ApiProblemShould
{
    [Fact]
    public void ReadTitleDetailFieldErrorsAndExtensions()
    {
        const string body = """
            {"type":"about:blank","title":"Rollout conflict","status":409,"detail":"Rollout r-1 is Running.",
             "openRolloutId":"r-1","details":["acme: V0002 changed","globex: V0003 missing"],"traceId":"00-abc",
             "errors":{"waves[0].tenants":["A wave's size must be at least 1."]}}
            """;

        var problem = ApiProblem.Parse(HttpStatusCode.Conflict, "Conflict", body);

        Assert.Equal(409, problem.Status);
        Assert.Equal("Rollout conflict", problem.Title);
        Assert.Equal("Rollout r-1 is Running.", problem.Detail);
        Assert.Equal(["A wave's size must be at least 1."], problem.Errors["waves[0].tenants"]);
        Assert.Equal(["r-1"], problem.Extensions.Single(e => e.Key == "openRolloutId").Value);
        Assert.Equal(2, problem.Extensions.Single(e => e.Key == "details").Value.Count);
        Assert.DoesNotContain(problem.Extensions, e => e.Key == "traceId");
        Assert.Equal(ExitCodes.Conflict, problem.ExitCode);
    }

    [Fact]
    public void KeepTheStatusAndTheStartOfABodyThatIsNotJson()
    {
        var problem = ApiProblem.Parse(HttpStatusCode.BadGateway, "Bad Gateway", "<html>upstream down</html>");

        Assert.Equal(502, problem.Status);
        Assert.Equal("HTTP 502 Bad Gateway", problem.Title);
        Assert.Equal("<html>upstream down</html>", problem.Detail);
        Assert.Equal(ExitCodes.ServerError, problem.ExitCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, ExitCodes.InvalidRequest)]
    [InlineData(HttpStatusCode.Unauthorized, ExitCodes.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden, ExitCodes.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound, ExitCodes.NotFound)]
    [InlineData(HttpStatusCode.PreconditionFailed, ExitCodes.Conflict)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ExitCodes.ServerError)]
    [InlineData(HttpStatusCode.Gone, ExitCodes.Unexpected)]
    public void GiveEachClassOfFailureItsExitCode(HttpStatusCode status, int exitCode)
    {
        var problem = ApiProblem.Parse(status, null, string.Empty);

        Assert.Equal(exitCode, problem.ExitCode);
    }
}
