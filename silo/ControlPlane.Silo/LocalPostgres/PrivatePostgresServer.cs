using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Silo.LocalPostgres;

/// <summary>
/// A PostgreSQL cluster of the project's own: created with the machine's <c>initdb</c> under a folder of ours,
/// listening on a free port on 127.0.0.1 only, run as the <c>postgres</c> OS user when we are root, and stopped
/// with the process that started it. The silo and the test harness both use it.
/// </summary>
public sealed partial class PrivatePostgresServer : IAsyncDisposable
{
    private const string Superuser = "controlplane";
    private const string PasswordFile = "controlplane.password";
    private readonly PostgresBinaries _binaries;
    private readonly string? _runAs;
    private readonly ILogger _logger;
    private bool _stopped;

    private PrivatePostgresServer(PostgresBinaries binaries, string dataDirectory, string? runAs, int port, string password, string database, ILogger logger)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        _runAs = runAs;
        Port = port;
        _logger = logger;
        Password = password;
        Database = database;
    }

    public string DataDirectory { get; }

    public int Port { get; private set; }

    public string Password { get; }

    public string Database { get; }

    /// <summary>A connection string for the control plane's database on this server.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates (if needed) and starts the cluster, or adopts it if it is already running.</summary>
    public static async Task<PrivatePostgresServer> StartAsync(PrivatePostgresOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var binaries = PostgresBinaries.Find();
        var runAs = ProcessRunner.IsRoot ? "postgres" : null;
        var preferred = Path.GetFullPath(options.DataDirectory ?? throw new ArgumentException("A data directory is required.", nameof(options)));
        var dataDirectory = await ChooseDataDirectoryAsync(preferred, runAs, logger, cancellationToken);
        if (options.Fresh)
        {
            await StopIfRunningAsync(binaries, dataDirectory, runAs, cancellationToken);
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(binaries, dataDirectory, runAs, options, logger, cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, PasswordFile), cancellationToken)).Trim();
        var server = new PrivatePostgresServer(binaries, dataDirectory, runAs, 0, password, options.Database, logger);
        if (RunningPort(dataDirectory) is int running && await server.CanConnectAsync(running, cancellationToken))
        {
            server.Port = running;
            LogAdopted(logger, dataDirectory, running);
        }
        else
        {
            await server.StartProcessAsync(cancellationToken);
        }

        await server.EnsureDatabaseAsync(options.Database, cancellationToken);
        return server;
    }

    /// <summary>Stops the server (fast shutdown: sessions are ended, nothing is lost).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        // pg_ctl waits 60 s by default; the shutdown checkpoint of a server holding tens of thousands of schemas (the
        // 20,000-tenant benchmark's) took longer than that on a busy machine.
        await PgCtlAsync(_binaries, _runAs, ["-D", DataDirectory, "-m", "fast", "-w", "-t", "600", "stop"], CancellationToken.None);
        LogStopped(_logger, DataDirectory);
    }

    /// <summary>Restarts with <c>-m immediate</c> (a crash, for tests): every session and lock is lost.</summary>
    public async Task RestartImmediateAsync(CancellationToken cancellationToken)
    {
        await PgCtlAsync(_binaries, _runAs, ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);
        await PgCtlAsync(_binaries, _runAs, ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-o", $"-p {Port}", "-w", "-t", "60", "start"], cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var (exitCode, output) = await ProcessRunner.RunAsync(
                _binaries.PgCtl,
                ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-o", $"-p {Port}", "-w", "-t", "60", "start"],
                _runAs,
                cancellationToken);
            if (exitCode == 0)
            {
                LogStarted(_logger, DataDirectory, Port);
                return;
            }

            if (attempt == 3)
            {
                var log = Path.Combine(DataDirectory, "server.log");
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : string.Empty;
                throw new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{tail}");
            }
        }
    }

    private async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<bool> CanConnectAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Port = port, Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task InitializeAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, PrivatePostgresOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var passwordFile = Path.Combine(Path.GetTempPath(), $"controlplane-pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (runAs is not null)
            {
                await ChownAsync(runAs, dataDirectory, cancellationToken);
                await ChownAsync(runAs, passwordFile, cancellationToken);
            }

            var (exitCode, output) = await ProcessRunner.RunAsync(
                binaries.InitDb,
                ["-D", dataDirectory, "-U", Superuser, $"--pwfile={passwordFile}", "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions"],
                runAs,
                cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed ({exitCode}): {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Written by ControlPlane for its private server.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine("unix_socket_directories = ''")
            .AppendLine(CultureInfo.InvariantCulture, $"max_connections = {options.MaxConnections}")
            .AppendLine("shared_buffers = 256MB")
            // Notice a vanished client within 200 ms, so a killed silo's backend and its locks go away promptly.
            .AppendLine("client_connection_check_interval = 200ms")
            .AppendLine("log_min_messages = warning");
        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken);
        var stored = Path.Combine(dataDirectory, PasswordFile);
        await File.WriteAllTextAsync(stored, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stored, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (runAs is not null)
        {
            await ChownAsync(runAs, stored, cancellationToken);
        }

        LogInitialized(logger, dataDirectory);
    }

    private static async Task<string> ChooseDataDirectoryAsync(string preferred, string? runAs, ILogger logger, CancellationToken cancellationToken)
    {
        if (runAs is null)
        {
            return preferred;
        }

        // The postgres user must be able to reach our folder; a checkout under /root is not reachable for it.
        Directory.CreateDirectory(Path.GetDirectoryName(preferred)!);
        var (exitCode, _) = await ProcessRunner.RunAsync("test", ["-x", Path.GetDirectoryName(preferred)!], runAs, cancellationToken);
        if (exitCode == 0)
        {
            return preferred;
        }

        var fallback = Path.Combine("/var/tmp/controlplane", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(preferred)))[..16]);
        Directory.CreateDirectory(Path.GetDirectoryName(fallback)!);
        LogFallbackDirectory(logger, preferred, fallback);
        return fallback;
    }

    private static async Task StopIfRunningAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            await ProcessRunner.RunAsync(binaries.PgCtl, ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], runAs, cancellationToken);
        }
    }

    private static int? RunningPort(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            // Line 4 of postmaster.pid is the port.
            var lines = File.Exists(pidFile) ? File.ReadAllLines(pidFile) : [];
            return lines.Length >= 4 && int.TryParse(lines[3], out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ChownAsync(string user, string path, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("chown", ["-R", $"{user}:", path], null, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"chown {user} {path} failed: {output}. Is there a '{user}' OS user? (apt-get install postgresql creates it.)");
        }
    }

    private static async Task PgCtlAsync(PostgresBinaries binaries, string? runAs, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync(binaries.PgCtl, arguments, runAs, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed ({exitCode}): {output}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialized a private PostgreSQL cluster in {DataDirectory}")]
    private static partial void LogInitialized(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started private PostgreSQL ({DataDirectory}) on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Private PostgreSQL ({DataDirectory}) was already running on 127.0.0.1:{Port}; using it")]
    private static partial void LogAdopted(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped private PostgreSQL ({DataDirectory})")]
    private static partial void LogStopped(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The postgres OS user cannot reach {Preferred}; keeping the private cluster in {Fallback} instead")]
    private static partial void LogFallbackDirectory(ILogger logger, string preferred, string fallback);
}
