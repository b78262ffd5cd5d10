using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Tenants;
using Npgsql;

namespace ControlPlane.Grains.Registry;

/// <summary>Builds the tenant view callers see: the row, its timeline, and drift against the catalogue as it is now.</summary>
public static class TenantSnapshots
{
    /// <summary>Reads the tenant with its timeline; null when it does not exist.</summary>
    /// <remarks>
    /// One round trip: the row, its timeline and its migration records (for drift) in one batch. Every GET and every
    /// POST's answer comes through here; the records of a gone tenant are read and not used.
    /// </remarks>
    public static async Task<TenantSnapshot?> LoadAsync(NpgsqlDataSource dataSource, string slug, MigrationCatalog catalog, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var row = new NpgsqlBatchCommand($"SELECT {TenantRows.Columns} FROM controlplane.tenants t WHERE t.slug = $1");
        row.Parameters.Add(new NpgsqlParameter { Value = slug });
        var events = new NpgsqlBatchCommand(
            "SELECT at, from_state, to_state, step, detail, attempt FROM controlplane.tenant_events WHERE slug = $1 ORDER BY id");
        events.Parameters.Add(new NpgsqlParameter { Value = slug });
        batch.BatchCommands.Add(row);
        batch.BatchCommands.Add(events);
        batch.BatchCommands.Add(AppliedMigrations.Select(slug));

        TenantRow? tenant;
        var timeline = new List<TenantEvent>();
        IReadOnlyList<AppliedMigration> applied;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            tenant = await reader.ReadAsync(cancellationToken) ? TenantRows.Read(reader) : null;
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                timeline.Add(new TenantEvent(
                    reader.GetFieldValue<DateTimeOffset>(0),
                    reader.IsDBNull(1) ? null : Enum.Parse<TenantStatus>(reader.GetString(1)),
                    Enum.Parse<TenantStatus>(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : Enum.Parse<ProvisioningStep>(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5)));
            }

            await reader.NextResultAsync(cancellationToken);
            applied = await AppliedMigrations.ReadAllAsync(reader, cancellationToken);
        }

        if (tenant is null)
        {
            return null;
        }

        IReadOnlyList<MigrationDrift> drift = TenantStateMachine.IsGone(tenant.State) ? [] : TryFindDrift(applied, catalog);
        return From(tenant) with { Timeline = timeline, Drift = drift };
    }

    /// <summary>The caller's view of a row (no timeline).</summary>
    public static TenantSnapshot From(TenantRow row) => new()
    {
        Slug = row.Slug,
        DisplayName = row.DisplayName,
        Schema = row.DataSchema,
        Role = row.PooledSchema is { } pooled ? Pooled.PooledNames.DataRole(pooled) : row.RoleName,
        Status = row.State,
        MigrationVersion = row.MigrationVersion,
        Attempts = row.Attempts,
        FailedStep = row.FailedStep,
        LastError = row.LastError,
        NextRetryAt = TenantStateMachine.WaitsForRetry(row.State) ? row.NextAttemptAt : null,
        Etag = row.Etag,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        Labels = row.Labels,
        PurgeAt = row.PurgeAt,
        Tier = row.Tier,
        Move = row.Move,
    };

    private static IReadOnlyList<MigrationDrift> TryFindDrift(IReadOnlyList<AppliedMigration> applied, MigrationCatalog catalog)
    {
        try
        {
            return MigrationDriftCheck.Find(applied, catalog.Current());
        }
        catch (MigrationCatalogException)
        {
            // An unreadable catalogue is reported by the steps and the health check; a read still answers.
            return [];
        }
    }
}
