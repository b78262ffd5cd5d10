namespace ControlPlane.Cli.Http;

/// <summary>The API answered a request with an error.</summary>
internal sealed class ApiProblemException(ApiProblem problem, string request) : Exception($"{request}: {problem}")
{
    public ApiProblem Problem { get; } = problem;

    /// <summary>The request that failed, e.g. <c>POST /v1/tenants</c>.</summary>
    public string Request { get; } = request;
}
