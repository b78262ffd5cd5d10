using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ControlPlane.Silo.LocalPostgres;
using Npgsql;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// Debian's PgBouncer (installed by scripts/prerequisites.sh) in transaction mode in front of the test server, on a
/// free loopback port, with its own config and userlist in a temporary folder. PgBouncer refuses to run as root, so
/// a root test run starts it as the <c>postgres</c> OS user, as the private server is.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/pgbouncer";

    private readonly Process _process;
    private readonly string _folder;

    private PgBouncer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A free loopback port to promise to a silo before PgBouncer starts on it.</summary>

    /// <summary>Starts PgBouncer for the connection string's database, knowing the given users and passwords, pooling per user.</summary>
    public static async Task<PgBouncer> StartAsync(string adminConnectionString, int port, int poolSize, IReadOnlyDictionary<string, string> users)
    {
        Assert.True(File.Exists(Binary), $"PgBouncer is not installed at {Binary}; run scripts/prerequisites.sh (apt-get install pgbouncer).");
        var server = new NpgsqlConnectionStringBuilder(adminConnectionString);
        var folder = Path.Combine(Path.GetTempPath(), "controlplane-pgbouncer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "pgbouncer.ini");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            {server.Database} = host={server.Host} port={server.Port} dbname={server.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {Path.Combine(folder, "userlist.txt")}
            pool_mode = transaction
            default_pool_size = {poolSize}
            min_pool_size = 0
            reserve_pool_size = 0
            max_client_conn = 200
            server_reset_query =
            ignore_startup_parameters = extra_float_digits,search_path
            logfile = {Path.Combine(folder, "pgbouncer.log")}
            """));
        await File.WriteAllTextAsync(
            Path.Combine(folder, "userlist.txt"),
            string.Concat(users.Select(u => $"\"{u.Key}\" \"{u.Value}\"\n")));

        var start = new ProcessStartInfo(Binary) { ArgumentList = { config }, RedirectStandardError = true, RedirectStandardOutput = true };
        if (ProcessRunner.IsRoot)
        {
            await RunAsync("chown", "-R", "postgres:", folder);
            start = new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", Binary, config }, RedirectStandardError = true, RedirectStandardOutput = true };
        }

        var process = Process.Start(start)!;
        var bouncer = new PgBouncer(process, folder, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = File.Exists(Path.Combine(folder, "pgbouncer.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "pgbouncer.log")) : "(no log)";
                await bouncer.DisposeAsync();
                Assert.Fail($"PgBouncer did not start listening on 127.0.0.1:{port} within 15 s (exited: {process.HasExited}); log: {log}");
            }

            await Task.Delay(50);
        }

        return bouncer;
    }

    /// <summary>A connection string through PgBouncer for <paramref name="user"/> (no startup search path, no reset).</summary>
    public string ConnectionString(string database, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = user,
        Password = password,
        NoResetOnClose = true,
        MaxPoolSize = 8,
    }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync(file, arguments, null, CancellationToken.None);
        Assert.True(exitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {output}");
    }
}
