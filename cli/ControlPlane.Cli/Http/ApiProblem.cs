using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ControlPlane.Cli.Http;

/// <summary>An RFC 7807 problem the API answered with (or an error answer shaped into one).</summary>
internal sealed record ApiProblem(
    int Status,
    string Title,
    string? Detail,
    IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Extensions)
{
    private static readonly HashSet<string> Standard = ["type", "title", "status", "detail", "instance", "errors", "traceId"];

    /// <summary>The exit code for this class of failure.</summary>
    public int ExitCode => Status switch
    {
        400 or 422 => ExitCodes.InvalidRequest,
        401 or 403 => ExitCodes.Unauthorized,
        404 => ExitCodes.NotFound,
        409 or 412 => ExitCodes.Conflict,
        >= 500 => ExitCodes.ServerError,
        _ => ExitCodes.Unexpected,
    };

    public static ApiProblem Parse(HttpStatusCode status, string? reason, string body)
    {
        var fallbackTitle = $"HTTP {(int)status} {reason ?? status.ToString()}";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return FromJson(document.RootElement, (int)status, fallbackTitle);
            }
        }
        catch (JsonException)
        {
        }

        // Not problem details (a proxy's page, an empty 401): keep the status and the start of what was said.
        var text = body.Trim();
        return new ApiProblem((int)status, fallbackTitle, text.Length == 0 ? null : text[..Math.Min(text.Length, 300)], new Dictionary<string, string[]>(), []);
    }

    private static ApiProblem FromJson(JsonElement root, int status, string fallbackTitle)
    {
        var errors = new Dictionary<string, string[]>();
        var extensions = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("errors") && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in property.Value.EnumerateObject())
                {
                    errors[field.Name] = [.. Values(field.Value)];
                }
            }
            else if (!Standard.Contains(property.Name))
            {
                extensions.Add(new(property.Name, [.. Values(property.Value)]));
            }
        }

        return new ApiProblem(
            root.TryGetProperty("status", out var s) && s.TryGetInt32(out var parsed) ? parsed : status,
            Text(root, "title") ?? fallbackTitle,
            Text(root, "detail"),
            errors,
            extensions);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Values(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().SelectMany(Values),
        JsonValueKind.String => [value.GetString() ?? string.Empty],
        JsonValueKind.Null => [],
        _ => [value.GetRawText()],
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Status} {Title}{(Detail is null ? string.Empty : ": " + Detail)}");
}
