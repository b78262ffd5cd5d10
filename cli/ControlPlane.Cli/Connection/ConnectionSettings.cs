namespace ControlPlane.Cli.Connection;

/// <summary>Where the API is and which key to send, resolved from options, environment, then the key file.</summary>
internal sealed record ConnectionSettings(Uri Url, string ApiKey)
{
    public const string UrlVariable = "CONTROLPLANE_URL";
    public const string ApiKeyVariable = "CONTROLPLANE_API_KEY";
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The key file <c>./run.sh</c> writes, relative to the working directory.</summary>
    public static readonly string KeyFile = Path.Combine(".controlplane", "admin-api-key");

    public static ConnectionSettings Resolve(string? url, string? apiKey, CliHost host)
    {
        var text = FirstSet(url, host.Environment(UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"'{text}' is not an http(s) URL; pass --url or set {UrlVariable}, e.g. {DefaultUrl}.", ExitCodes.Usage);
        }

        var key = FirstSet(apiKey, host.Environment(ApiKeyVariable)) ?? ReadKeyFile(host.CurrentDirectory)
            ?? throw new CliException(
                $"No API key: pass --api-key, set {ApiKeyVariable}, or run from the folder holding {KeyFile} (./run.sh writes it).",
                ExitCodes.Unauthorized);
        return new ConnectionSettings(uri, key);
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string? ReadKeyFile(string directory)
    {
        var path = Path.Combine(directory, KeyFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var key = File.ReadAllText(path).Trim();
        return key.Length > 0 ? key : null;
    }
}
