using System.Net.Http.Json;
using System.Text.Json;

namespace ControlPlane.Tests.Harness;

/// <summary>An RFC 7807 problem details body as a client reads it.</summary>
public sealed record Problem(int Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.NotNull(problem);
        return problem;
    }
}
