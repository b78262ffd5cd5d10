using ControlPlane.Cli;
using ControlPlane.Cli.Connection;

namespace ControlPlane.Tests.Cli;

/// <summary>Where the CLI connects and with which key: option, then environment, then the key file ./run.sh writes.</summary>
public sealed class ConnectionSettingsShould : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "controlplane-cli", Guid.NewGuid().ToString("N"));

    public ConnectionSettingsShould() => Directory.CreateDirectory(Path.Combine(_directory, ".controlplane"));

    [Fact]
    public void PreferTheOptionsOverTheEnvironmentOverTheKeyFile()
    {
        WriteKeyFile("from-file");
        var host = Host(("CONTROLPLANE_URL", "http://env:1"), ("CONTROLPLANE_API_KEY", "from-env"));

        var fromOptions = ConnectionSettings.Resolve("http://option:2", "from-option", host);
        var fromEnvironment = ConnectionSettings.Resolve(null, null, host);
        var fromFile = ConnectionSettings.Resolve(null, null, Host());

        Assert.Equal(new Uri("http://option:2"), fromOptions.Url);
        Assert.Equal("from-option", fromOptions.ApiKey);
        Assert.Equal(new Uri("http://env:1"), fromEnvironment.Url);
        Assert.Equal("from-env", fromEnvironment.ApiKey);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), fromFile.Url);
        Assert.Equal("from-file", fromFile.ApiKey);
    }

    [Fact]
    public void ExplainWhereAKeyCanComeFromWhenThereIsNone()
    {
        var failure = Assert.Throws<CliException>(() => ConnectionSettings.Resolve(null, null, Host()));

        Assert.Equal(ExitCodes.Unauthorized, failure.ExitCode);
        Assert.Contains("--api-key", failure.Message);
        Assert.Contains("CONTROLPLANE_API_KEY", failure.Message);
        Assert.Contains(Path.Combine(".controlplane", "admin-api-key"), failure.Message);
    }

    [Fact]
    public void RefuseAUrlThatIsNotHttp()
    {
        var failure = Assert.Throws<CliException>(() => ConnectionSettings.Resolve("ftp://example", "key", Host()));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains("'ftp://example' is not an http(s) URL", failure.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void WriteKeyFile(string key) => File.WriteAllText(Path.Combine(_directory, ".controlplane", "admin-api-key"), key + "\n");

    private CliHost Host(params (string Name, string Value)[] environment) => new()
    {
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        CurrentDirectory = _directory,
        Environment = name => environment.FirstOrDefault(e => e.Name == name).Value,
    };
}
