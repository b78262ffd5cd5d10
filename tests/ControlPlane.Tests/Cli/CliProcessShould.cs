using System.Text.Json;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Cli;

/// <summary>
/// The built <c>controlplane</c> executable as a real process against a silo process: exit codes as a shell sees
/// them, and output to pipes (no terminal). In the process collection so its processes do not load the machine
/// while the timing-sensitive process tests run.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CliProcessShould : IAsyncLifetime
{
    private readonly MigrationFolder _migrations = new();
    private readonly string _workingDirectory = Path.Combine(Path.GetTempPath(), "controlplane-cli", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workingDirectory);
        _database = await TestDatabase.CreateAsync();
        _silo = await SiloProcess.StartAsync(
            _database.ConnectionString, "cli", new Dictionary<string, string> { ["ControlPlane__Tenants__MigrationsPath"] = _migrations.Path });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _database.DisposeAsync();
        _migrations.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task RolloutStartWithWatchPrintPlainProgressLinesAndExitZeroWhenCompleted()
    {
        using var tenants = new TenantsClient(_silo.Http, ownsHttp: false);
        var slugs = new[] { TestSlugs.New("pipe"), TestSlugs.New("pipe"), TestSlugs.New("pipe") };
        await Task.WhenAll(slugs.Select(s => tenants.OnboardAsync(s, timeout: TimeSpan.FromSeconds(60))));
        _migrations.Write("V0004__add_component_owner.sql", "SELECT pg_sleep(0.2); ALTER TABLE components ADD COLUMN owner text;");

        var result = await RunAsync("rollout", "start", "--yes", "--target", "4", "--max-parallel", "1", "--watch", "--timeout", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The plan comes first (start prints it before it asks, or with --yes), then the start's own line.
        Assert.StartsWith("Plan: version 4, 3 of 3 tenant(s) to migrate", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Rollout r-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Running   wave 1/1 all  ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Completed wave 1/1 all  3/3 (100%)  succeeded 3  failed 0", StringComparison.Ordinal));
        Assert.Contains("to version 4 Completed: 3 succeeded, 0 failed, 0 skipped of 3", lines[^1]);
        Assert.DoesNotContain('\x1b', result.Out);
        Assert.Equal(string.Empty, result.Error);
        foreach (var slug in slugs)
        {
            Assert.Equal(4, (await tenants.GetAsync(slug))!.MigrationVersion);
        }
    }

    [Fact]
    public async Task ReadTheApiKeyFromTheKeyFileInTheWorkingDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_workingDirectory, ".controlplane"));
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory, ".controlplane", "admin-api-key"), SiloProcess.AdminKey + "\n");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?> { ["CONTROLPLANE_URL"] = Url }, _workingDirectory, "tenants", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task ExitWithTheNotFoundCodeAndExplainOnStderrOnly()
    {
        var slug = TestSlugs.New("missing");

        var result = await RunAsync("tenants", "get", slug);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains($"error: Tenant not found (404 on GET /v1/tenants/{slug})", result.Error);
        Assert.DoesNotContain('\x1b', result.Error);
    }

    [Fact]
    public async Task ExitWithTheUnreachableCodeWhenNothingListensAtTheUrl()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["CONTROLPLANE_URL"] = url, ["CONTROLPLANE_API_KEY"] = SiloProcess.AdminKey }, _workingDirectory, "tenants", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"error: cannot reach the control plane at {url}/", result.Error);
    }

    [Fact]
    public async Task ExitWithTheUsageCodeForAMistypedCommandAndListExitCodesInHelp()
    {
        var mistyped = await RunAsync("tenants", "lst");
        var help = await RunAsync("--help");

        Assert.Equal(2, mistyped.ExitCode);
        Assert.Contains("Unrecognized command or argument 'lst'", mistyped.Error);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes:", help.Out);
        Assert.Contains("10   the watched rollout halted", help.Out);
    }

    private string Url => $"http://127.0.0.1:{_silo.Port}";

    private Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(
        new Dictionary<string, string?> { ["CONTROLPLANE_URL"] = Url, ["CONTROLPLANE_API_KEY"] = SiloProcess.AdminKey }, _workingDirectory, args);
}
