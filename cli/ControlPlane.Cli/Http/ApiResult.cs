using System.Net;
using System.Text.Json;

namespace ControlPlane.Cli.Http;

/// <summary>An answer of the API: what the client reads from it, and the JSON exactly as sent (for <c>--json</c>).</summary>
internal sealed record ApiResult<T>(HttpStatusCode Status, T Value, JsonElement Json);
