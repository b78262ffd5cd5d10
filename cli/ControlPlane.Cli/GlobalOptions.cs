using System.CommandLine;
using ControlPlane.Cli.Connection;

namespace ControlPlane.Cli;

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The control plane's address [env: {ConnectionSettings.UrlVariable}; default: {ConnectionSettings.DefaultUrl}]",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The API key (X-Api-Key) [env: {ConnectionSettings.ApiKeyVariable}; default: the contents of {ConnectionSettings.KeyFile}]",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the API's JSON instead of tables (for scripts)",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Url);
        root.Add(ApiKey);
        root.Add(Json);
    }
}
