using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ControlPlane.Grains.Telemetry;
using Npgsql;

namespace ControlPlane.Grains.Database;

/// <summary>
/// The silo's two admin pools: <see cref="Registry"/> for short registry statements and <see cref="Work"/>
/// for DDL (used through <see cref="WorkConnectionBudget"/>). Tenant pools are built from <see cref="AdminConnectionString"/>.
/// </summary>
public sealed class ControlPlaneDataSources : IAsyncDisposable
{
    public ControlPlaneDataSources(ControlPlaneConnectionString connectionString, IOptions<DatabaseOptions> options, ILoggerFactory loggerFactory)
    {
        var o = options.Value;
        AdminConnectionString = connectionString.Value;
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        DatabaseName = admin.Database ?? admin.Username ?? "postgres";
        Host = admin.Host ?? "localhost";

        // Our sessions may be frozen with a transaction open (a paused silo): PostgreSQL then ends them and frees their locks.
        var sessionOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-c idle_in_transaction_session_timeout={(long)o.IdleInTransactionTimeout.TotalMilliseconds} -c lock_timeout={(long)o.LockTimeout.TotalMilliseconds} -c search_path=pg_catalog");

        var registry = new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            ApplicationName = "controlplane-registry",
            MaxPoolSize = o.RegistryPoolSize,
            Options = sessionOptions,

            // Registry statements repeat for every tenant: prepared, PostgreSQL stops parsing and planning each one.
            MaxAutoPrepare = 64,

            // Our sessions leave no state behind (SET LOCAL only), so returning one to the pool needs no reset.
            NoResetOnClose = true,
        };
        Registry = new NpgsqlDataSourceBuilder(registry.ConnectionString) { Name = "registry" }
            .UseLoggerFactory(loggerFactory)
            .TraceOnlyWithinSpans()
            .Build();

        var work = new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            ApplicationName = "controlplane-work",
            // WorkConnectionBudget keeps these open and retires them by tenants served (a pool cannot count those).
            Pooling = false,
            Options = sessionOptions,
            MaxAutoPrepare = 64,

            // A work connection lives for about 200 tenants (WorkConnectionMaxTenants), so its statements are prepared
            // again on every new one: at Npgsql's default of five uses, four of a rollout group's 27 row locks per
            // connection were planned in full (0.7 ms each, more than the lock itself). Prepared at the second use,
            // a statement run once stays unprepared, and one that repeats is planned once more than necessary.
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
        };
        Work = new NpgsqlDataSourceBuilder(work.ConnectionString) { Name = "work" }
            .UseLoggerFactory(loggerFactory)
            .TraceOnlyWithinSpans()
            .Build();
    }

    /// <summary>The connection string the silo was given (or that its private server produced).</summary>
    public string AdminConnectionString { get; }

    /// <summary>A connection string for a long-lived connection of its own (e.g. LISTEN), outside the pools.</summary>
    public string UnpooledConnectionString => new NpgsqlConnectionStringBuilder(AdminConnectionString)
    {
        ApplicationName = "controlplane-listen",
        Pooling = false,
        KeepAlive = 10,
    }.ConnectionString;

    public string DatabaseName { get; }

    public string Host { get; }

    public NpgsqlDataSource Registry { get; }

    public NpgsqlDataSource Work { get; }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Work.DisposeAsync();
    }
}
