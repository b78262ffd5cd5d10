using System.Diagnostics;
using System.Text;

namespace ControlPlane.Testing;

/// <summary>
/// A silo as a real OS process on a loopback port, for what cannot happen in-process (SIGKILL, SIGSTOP/SIGCONT)
/// and for benchmarks that measure the silo as it runs in production.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>The platform admin key every launched silo is configured with.</summary>
    public const string AdminKey = "test-admin-key";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _stateDirectory;

    private SiloProcess(Process process, string name, int port, string stateDirectory)
    {
        _process = process;
        Name = name;
        Port = port;
        _stateDirectory = stateDirectory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The Orleans silo-to-silo port it listens on (127.0.0.1).</summary>
    public int SiloPort { get; private init; }

    /// <summary>How its lease names begin (<c>127.0.0.1:port@</c>, then the generation of this start).</summary>
    public string LeasePrefix => $"127.0.0.1:{SiloPort}@";

    public int ProcessId => _process.Id;

    /// <summary>A client for the silo's API that sends the admin key.</summary>
    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet ControlPlane.Silo.dll</c> with the given database and settings, and waits until it serves.</summary>
    public static async Task<SiloProcess> StartAsync(string connectionString, string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = LoopbackPort.Free();
        var siloPort = LoopbackPort.Free();
        var stateDirectory = Path.Combine(Path.GetTempPath(), "controlplane-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { SiloAssembly() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly())!,
        };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__ControlPlane"] = connectionString,
            [TestPooledSchema.Setting.Replace(":", "__", StringComparison.Ordinal)] = TestPooledSchema.For(connectionString),
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["ControlPlane__StateDirectory"] = stateDirectory,
            ["ControlPlane__Auth__AdminApiKey"] = AdminKey,
            ["Orleans__SiloName"] = name,
            ["Orleans__Endpoints__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["ControlPlane__Provisioning__SweepInterval"] = "00:00:00.200",
            ["ControlPlane__Database__RegistryPoolSize"] = "6",
            ["ControlPlane__Database__WorkConnections"] = "2",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var silo = new SiloProcess(process, name, port, stateDirectory) { SiloPort = siloPort };
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await silo.WaitUntilServingAsync();
        return silo;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is released.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a graceful stop, as Ctrl-C or a container stop.</summary>
    public async Task StopAsync()
    {
        // TERM, not INT: a shell without job control starts background commands with SIGINT ignored, and the silo,
        // inheriting that, never heard the INT (a benchmark run with `&` waited here for ever). TERM stops it the same way.
        await SignalAsync("TERM");
        await _process.WaitForExitAsync();
    }

    /// <summary>Resident memory of the silo process, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time (user + system) the silo process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public Task PauseAsync() => SignalAsync("STOP");

    public Task ContinueAsync() => SignalAsync("CONT");

    /// <summary>Waits for the process to end by itself; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            await SignalAsync("CONT");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    private static string SiloAssembly()
    {
        // The test and the silo are built with the same configuration: bin/<Configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Path, "silo", "ControlPlane.Silo", "bin", configuration, "net10.0", "ControlPlane.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the silo first: {path} is missing.");
    }


    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with {_process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                using var response = await Http.GetAsync("/v1/tenants?limit=1");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Silo {Name} did not serve within 60 s:\n{Log}");
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
