using ControlPlane.Grains.Cluster;
using ControlPlane.Grains.Migrations;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>SQL over <c>controlplane.pool_schemas</c> (registry upgrade R0016).</summary>
public static class WarmPoolRows
{
    // Serializes the refillers' reservations cluster-wide, so several silos together never build past the size.
    private const long ReserveLockKey = 0x636F6E74726F6C70; // "controlp"

    /// <summary>
    /// Takes the oldest Ready schema at <paramref name="set"/>'s catalogue, skipping those another onboarding holds, deletes
    /// its row and makes schema and role the tenant's (renames, password, marker, path), in the caller's transaction, by
    /// <c>controlplane.claim_pool_schema</c> (registry upgrades R0027, R0028). Returns the pool schema's name; raises
    /// no_data_found (<see cref="FoundNothingToClaim"/>) when none is free, or when the tenant's own role or schema name is already taken (the
    /// build path then reports that properly).
    /// </summary>
    public static NpgsqlBatchCommand Claim(MigrationSet set, TenantSlug slug, string database, string scramVerifier) => new(
        "SELECT controlplane.claim_pool_schema($1, $2, $3, $4, $5, $6, $7)")
    {
        Parameters =
        {
            new() { Value = set.LatestVersion },
            new() { Value = set.Fingerprint },
            new() { Value = slug.RoleName },
            new() { Value = slug.SchemaName },
            new() { Value = database },
            new() { Value = scramVerifier },
            new() { Value = Steps.TenantRoles.Marker(database, slug) },
        },
    };

    /// <summary>True when <paramref name="ex"/> is <see cref="Claim"/>'s answer that the pool has nothing to give (no_data_found, raised by the function).</summary>
    public static bool FoundNothingToClaim(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.NoDataFound && ex.Where?.Contains("controlplane.claim_pool_schema", StringComparison.Ordinal) == true;

    /// <summary>
    /// Reserves one more schema for this silo to build (a Building row), unless Ready schemas at the catalogue and
    /// schemas being built already reach <paramref name="size"/>. Returns the reserved name, or null.
    /// </summary>
    public static async Task<string?> ReserveAsync(NpgsqlDataSource registry, int size, MigrationSet set, string siloId, CancellationToken cancellationToken)
    {
        // One batch is one implicit transaction: the advisory lock covers the count and the insert together.
        await using var batch = registry.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_catalog.pg_advisory_xact_lock($1)") { Parameters = { new() { Value = ReserveLockKey } } });
        var insert = new NpgsqlBatchCommand(
            """
            INSERT INTO controlplane.pool_schemas (name, state, builder)
            SELECT $1, 'Building', $2
            WHERE (SELECT count(*) FROM controlplane.pool_schemas
                   WHERE state = 'Building' OR (migration_version = $3 AND catalogue = $4)) < $5
            RETURNING name
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = PoolSchemaName.New() });
        insert.Parameters.Add(new NpgsqlParameter { Value = siloId });
        insert.Parameters.Add(new NpgsqlParameter { Value = set.LatestVersion });
        insert.Parameters.Add(new NpgsqlParameter { Value = set.Fingerprint });
        insert.Parameters.Add(new NpgsqlParameter { Value = (long)size });
        batch.BatchCommands.Add(insert);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : null;
    }

    /// <summary>The update that makes the Building row Ready at <paramref name="set"/>'s catalogue (0 rows when it is gone).</summary>
    public static NpgsqlCommand MarkReady(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, MigrationSet set)
    {
        var command = new NpgsqlCommand(
            """
            UPDATE controlplane.pool_schemas SET state = 'Ready', migration_version = $2, catalogue = $3, ready_at = clock_timestamp()
            WHERE name = $1 AND state = 'Building'
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = set.LatestVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = set.Fingerprint });
        return command;
    }

    /// <summary>
    /// The schemas to drop: Ready ones built at another catalogue (stale: never claimed, replaced instead), Building
    /// ones whose builder is no longer a live member or is this silo but no longer building them (a failed or
    /// interrupted build), and the newest Ready ones beyond <paramref name="size"/> (the size shrank).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindDoomedAsync(
        NpgsqlDataSource registry, int size, MigrationSet set, string siloId, IReadOnlyCollection<string> buildingHere, TimeSpan heartbeatExpiry, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            $"""
            SELECT p.name FROM controlplane.pool_schemas p
            WHERE (p.state = 'Ready' AND (p.migration_version <> $1 OR p.catalogue <> $2))
               OR (p.state = 'Building' AND (NOT {LeaseFence.IsLive("p.builder", "$3")} OR (p.builder = $4 AND NOT p.name = ANY($5))))
            UNION ALL
            (SELECT p.name FROM controlplane.pool_schemas p
             WHERE p.state = 'Ready' AND p.migration_version = $1 AND p.catalogue = $2
             ORDER BY p.created_at DESC
             LIMIT greatest(0, (SELECT count(*) FROM controlplane.pool_schemas c
                                WHERE c.state = 'Building' OR (c.migration_version = $1 AND c.catalogue = $2)) - $6))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = set.LatestVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = set.Fingerprint });
        command.Parameters.Add(new NpgsqlParameter { Value = heartbeatExpiry });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = buildingHere.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)size });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Locks the row of <paramref name="name"/> unless another transaction holds it (a claim, a drop); says whether its role exists and is ours.</summary>
    public static async Task<(bool Locked, bool RoleIsOurs)> LockForDropAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p.name AND shobj_description(r.oid, 'pg_authid') = $2)
            FROM controlplane.pool_schemas p WHERE p.name = $1 FOR UPDATE SKIP LOCKED
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = Steps.TenantRoles.PoolMarker(database, name) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (true, reader.GetBoolean(0)) : (false, false);
    }

    public static NpgsqlCommand Delete(NpgsqlConnection connection, NpgsqlTransaction transaction, string name) =>
        new("DELETE FROM controlplane.pool_schemas WHERE name = $1", connection, transaction) { Parameters = { new() { Value = name } } };

    /// <summary>Ready schemas at the catalogue, schemas being built, and stale Ready ones awaiting replacement.</summary>
    public static async Task<(int Ready, int Building, int Stale)> CountAsync(NpgsqlDataSource registry, MigrationSet set, CancellationToken cancellationToken)
    {
        await using var command = registry.CreateCommand(
            """
            SELECT count(*) FILTER (WHERE state = 'Ready' AND migration_version = $1 AND catalogue = $2)::int,
                   count(*) FILTER (WHERE state = 'Building')::int,
                   count(*) FILTER (WHERE state = 'Ready' AND (migration_version <> $1 OR catalogue <> $2))::int
            FROM controlplane.pool_schemas
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = set.LatestVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = set.Fingerprint });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
