using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>What a step runs with: the work connection and transaction that hold the tenant's row lock.</summary>
public sealed record StepContext(
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction,
    TenantRow Row,
    TenantSlug Slug,
    Func<TenantPool> TenantPool,
    CancellationToken CancellationToken)
{
    /// <summary>The version a rollout asks an active tenant to reach; null while provisioning (which goes to the newest).</summary>
    public int? UpgradeTarget { get; init; }

    /// <summary>The rollout on whose behalf an upgrade runs, for the timeline.</summary>
    public string? RolloutId { get; init; }

    /// <summary>The tenant's migration records as read with the row lock.</summary>
    public IReadOnlyList<Migrations.AppliedMigration> Applied { get; init; } = [];

    /// <summary>The unit's statements already run in the lock's round trip, with their answer; null when none were.</summary>
    public UnitPrelude? Prelude { get; init; }

    /// <summary>The lock and statement timeouts the unit's DDL runs under.</summary>
    public Locks.DdlTimeouts? Timeouts { get; init; }

    /// <summary>The lock timeout the connection opened with, which the registry statements after the DDL run under again.</summary>
    public TimeSpan SessionLockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="ddl"/> under <see cref="Timeouts"/>, then puts the session's lock timeout back for the registry writes that follow.</summary>
    public async Task<T> UnderTimeoutsAsync<T>(Func<Task<T>> ddl)
    {
        if (Timeouts is null)
        {
            return await ddl();
        }

        await RunAsync(Timeouts.Enter());
        var result = await ddl();
        await RunAsync(Locks.DdlTimeouts.Leave(SessionLockTimeout));
        return result;
    }

    /// <summary>Which try of the unit this is (more than 1 after lock timeouts), for the timeline.</summary>
    public int Try { get; init; } = 1;

    /// <summary>A command on the step's connection, inside its transaction.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    private async Task RunAsync(NpgsqlBatchCommand command)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction) { BatchCommands = { command } };
        await batch.ExecuteNonQueryAsync(CancellationToken);
    }

    /// <summary>Runs SQL text that takes no parameters (DDL, scripts).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(CancellationToken);
    }
}
