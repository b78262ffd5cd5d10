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

    /// <summary>A command on the step's connection, inside its transaction.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Runs SQL text that takes no parameters (DDL, scripts).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(CancellationToken);
    }
}
