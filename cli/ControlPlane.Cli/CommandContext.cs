using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using ControlPlane.Cli.Connection;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli;

/// <summary>One command's invocation: its parsed values, its consoles, and a client connected on first use.</summary>
internal sealed class CommandContext(CliHost host, GlobalOptions globals, ParseResult parse) : IDisposable
{
    private ConnectionSettings? _settings;
    private HttpClient? _http;
    private ControlPlaneClient? _client;

    public CliHost Host { get; } = host;

    public IAnsiConsole Out { get; } = CliConsoles.Create(host.Out, host.OutIsTerminal, host.Width);

    public IAnsiConsole Error { get; } = CliConsoles.Create(host.Error, host.ErrorIsTerminal, host.Width);

    public bool Json => parse.GetValue(globals.Json);

    /// <summary>The address requests go to (without connecting).</summary>
    public Uri Url => Settings.Url;

    public ControlPlaneClient Client => _client ??= Connect();

    private ConnectionSettings Settings => _settings ??= ConnectionSettings.Resolve(parse.GetValue(globals.Url), parse.GetValue(globals.ApiKey), Host);

    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    public T Get<T>(Argument<T> argument) => parse.GetRequiredValue(argument);

    /// <summary>Writes JSON as-is to stdout (not through Spectre, which would wrap long lines).</summary>
    public void WriteJson(JsonElement json) => Host.Out.WriteLine(JsonSerializer.Serialize(json, CliJson.Indented));

    public void Dispose() => _http?.Dispose();

    private ControlPlaneClient Connect()
    {
        var settings = Settings;
        _http = Host.Handler is null ? new HttpClient() : new HttpClient(Host.Handler, disposeHandler: false);
        // Relative request paths resolve under the base, so a URL with a path prefix must end in '/'.
        _http.BaseAddress = settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");
        _http.Timeout = TimeSpan.FromSeconds(100);
        _http.DefaultRequestHeaders.Add("X-Api-Key", settings.ApiKey);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("controlplane-cli", typeof(CommandContext).Assembly.GetName().Version?.ToString(3)));
        return _client = new ControlPlaneClient(_http);
    }
}
