using System.Text.Encodings.Web;
using System.Text.Json;

namespace ControlPlane.Cli.Http;

/// <summary>The API's JSON conventions (camelCase, enums as strings) and the indented form <c>--json</c> prints.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web);

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
