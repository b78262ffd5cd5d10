using ControlPlane.Silo.LocalPostgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The server a benchmark runs on: the one in <c>--pg</c> (an admin connection string), or a fresh private server
/// under <c>.controlplane/bench-postgres</c>, stopped at the end. Both sides of a comparison use the same server.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly PrivatePostgresServer? _server;

    private BenchmarkDatabase(string connectionString, PrivatePostgresServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Host = builder.Host!;
        Port = builder.Port;
        Username = builder.Username!;
        Password = builder.Password ?? string.Empty;
        Database = builder.Database!;
    }

    public string ConnectionString { get; }

    public string Host { get; }

    public int Port { get; }

    public string Username { get; }

    public string Password { get; }

    public string Database { get; }

    /// <summary>The server's postmaster when it runs on this machine (for <see cref="ServerCpu"/>); otherwise null.</summary>
    public int? Postmaster { get; private set; }

    /// <summary>CPU the server has used so far (see <see cref="ServerCpu"/>); null when it is not on this machine.</summary>
    public TimeSpan? ServerCpu() => Benchmarks.ServerCpu.Total(Postmaster);

    public static async Task<BenchmarkDatabase> StartAsync(string? connectionString, int maxConnections)
    {
        if (connectionString is not null)
        {
            return await LocateAsync(new BenchmarkDatabase(connectionString, null));
        }

        var server = await PrivatePostgresServer.StartAsync(
            new PrivatePostgresOptions
            {
                DataDirectory = Path.Combine(Testing.RepositoryRoot.Path, ".controlplane", "bench-postgres"),
                Database = "bench",
                Fresh = true,
                MaxConnections = maxConnections,
            },
            NullLogger.Instance,
            CancellationToken.None);
        return await LocateAsync(new BenchmarkDatabase(server.ConnectionString, server));
    }

    private static async Task<BenchmarkDatabase> LocateAsync(BenchmarkDatabase database)
    {
        database.Postmaster = Benchmarks.ServerCpu.PostmasterOf(await database.ScalarAsync<int>("SELECT pg_backend_pid()"));
        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Writes every dirty buffer out now (CHECKPOINT), so a measured phase does not inherit the checkpoint that the
    /// set-up's WAL would otherwise start in the middle of it: a 10,000-tenant set-up writes about 500 MB of WAL, and
    /// the checkpoint it triggered (by WAL volume) ran through the control plane's phase, spreading its writes beside
    /// every tenant's CREATE INDEX, whose file PostgreSQL syncs at once. False when the role may not (CHECKPOINT needs
    /// superuser or pg_checkpoint).
    /// </summary>
    public async Task<bool> CheckpointAsync()
    {
        try
        {
            await ExecuteAsync("CHECKPOINT");
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    /// <summary>
    /// The server's WAL so far: bytes written (from the insert position) and full-page images (<c>pg_stat_wal</c>).
    /// Subtract two readings for what a phase wrote, which the disk must absorb beside the phase's own syncs.
    /// </summary>
    public async Task<WalReading> WalAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_insert_lsn(), '0/0')::bigint, (SELECT wal_fpi FROM pg_catalog.pg_stat_wal)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new WalReading(reader.GetInt64(0), reader.GetInt64(1));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }
}

/// <summary>A reading of the server's WAL (<see cref="BenchmarkDatabase.WalAsync"/>); differences are a phase's.</summary>
internal readonly record struct WalReading(long Bytes, long FullPageImages)
{
    public static WalReading operator -(WalReading after, WalReading before) =>
        new(after.Bytes - before.Bytes, after.FullPageImages - before.FullPageImages);

    public static WalReading operator +(WalReading a, WalReading b) => new(a.Bytes + b.Bytes, a.FullPageImages + b.FullPageImages);
}
