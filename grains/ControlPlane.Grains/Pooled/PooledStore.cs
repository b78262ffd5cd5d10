using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The pooled schema as the registry knows it (<c>controlplane.pooled_stores</c>): made on first use, inside the
/// transaction of the first pooled tenant's step, and migrated only as one unit. Every pooled tenant is at its version.
/// </summary>
public sealed class PooledStore(IOptions<PooledOptions> options, PooledCatalog catalog, ControlPlaneDataSources dataSources, TenantRolePasswords passwords)
{
    // Set once this silo has read the store as committed: a made store is never unmade by the control plane, so
    // onboarding then skips the read (a store dropped by hand fails the step, which calls Forget and retries).
    private volatile bool _knownMade;

    /// <summary>The pooled schema.</summary>
    public string Schema => options.Value.Schema;

    /// <summary>True once this silo has seen the pooled schema made and committed.</summary>
    public bool KnownMade => _knownMade;

    /// <summary>Forgets <see cref="KnownMade"/>: the next onboarding reads (and if need be makes) the store again.</summary>
    public void Forget() => _knownMade = false;

    /// <summary>The schema's version and policy mode; null when it has not been made yet.</summary>
    public static async Task<PooledStoreState?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT migration_version, policy_mode FROM controlplane.pooled_stores WHERE schema_name = $1", connection, transaction);
        command.Parameters.Add(new() { Value = schema });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PooledStoreState(schema, reader.GetInt32(0), Enum.Parse<PooledPolicyMode>(reader.GetString(1)))
            : null;
    }

    /// <summary>
    /// The pooled schema's state, making it first when it does not exist: roles, schema, the control objects, every
    /// migration of the pooled catalogue and the policies, in <paramref name="transaction"/>, so a failure leaves
    /// nothing behind. Concurrent first uses wait for each other on an advisory lock; the later ones find it made.
    /// </summary>
    public async Task<PooledStoreState> EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var schema = Schema;
        if (await ReadAsync(connection, transaction, schema, cancellationToken) is { } made)
        {
            _knownMade = true;
            return made;
        }

        await using (var gate = new NpgsqlCommand("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('controlplane.pooled_store:' || $1))", connection, transaction))
        {
            gate.Parameters.Add(new() { Value = schema });
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await ReadAsync(connection, transaction, schema, cancellationToken) is { } madeMeanwhile)
        {
            return madeMeanwhile;
        }

        var database = dataSources.DatabaseName;
        var ownerExists = await InspectRoleAsync(connection, transaction, PooledNames.OwnerRole(schema), database, schema, cancellationToken);
        var dataExists = await InspectRoleAsync(connection, transaction, PooledNames.DataRole(schema), database, schema, cancellationToken);
        var verifier = ScramVerifier.Create(passwords.For(PooledNames.DataRole(schema)));
        await ExecuteAsync(connection, transaction, PooledStoreDdl.CreateRolesAndSchema(schema, database, verifier, ownerExists, dataExists), cancellationToken);
        await ExecuteAsync(connection, transaction, AsOwner(schema, PooledStoreDdl.ControlObjects(schema)), cancellationToken);

        var mode = options.Value.Mode;
        await using (var register = new NpgsqlCommand(
            "INSERT INTO controlplane.pooled_stores (schema_name, migration_version, policy_mode) VALUES ($1, 0, $2)", connection, transaction))
        {
            register.Parameters.Add(new() { Value = schema });
            register.Parameters.Add(new() { Value = mode.ToString() });
            await register.ExecuteNonQueryAsync(cancellationToken);
        }

        var set = catalog.Migrations.Current();
        foreach (var script in set.Scripts)
        {
            await ApplyAsync(connection, transaction, schema, script, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, PooledPolicies.Apply(schema, mode), cancellationToken);
        await using (var register = new NpgsqlCommand("UPDATE controlplane.pooled_stores SET migration_version = $2, updated_at = now() WHERE schema_name = $1", connection, transaction))
        {
            register.Parameters.Add(new() { Value = schema });
            register.Parameters.Add(new() { Value = set.LatestVersion });
            await register.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PooledStoreState(schema, set.LatestVersion, mode);
    }

    /// <summary>
    /// Applies one pooled migration in <paramref name="transaction"/> as the schema's owner (so the owner owns what it
    /// creates and the data role's default privileges apply) and records it. The caller then runs
    /// <see cref="PooledPolicies.Apply"/> in the store's mode in the same transaction (so a table it added is under
    /// row-level security before anyone sees it) and updates the version, holding the store's row lock when upgrading.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, MigrationScript script, CancellationToken cancellationToken)
    {
        if (!script.Transactional)
        {
            throw new MigrationCatalogException(
                $"Pooled migration V{script.Version:0000} {script.Name} is marked to run outside a transaction; the pooled schema is migrated as one unit, in one transaction per migration. Remove the marker.");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL ROLE {PgIdentifier.Quote(PooledNames.OwnerRole(schema))}"));
            batch.BatchCommands.Add(AppliedMigrations.StartTimed(PgIdentifier.Quote(schema)));
            foreach (var statement in script.Statements)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            }

            batch.BatchCommands.Add(AppliedMigrations.RestorePath());
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET ROLE"));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = new NpgsqlCommand(
            """
            INSERT INTO controlplane.pooled_migrations (schema_name, version, name, checksum, took_ms) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (schema_name, version) DO UPDATE SET name = excluded.name, checksum = excluded.checksum, took_ms = excluded.took_ms, applied_at = now()
            """, connection, transaction);
        record.Parameters.Add(new() { Value = schema });
        record.Parameters.Add(new() { Value = script.Version });
        record.Parameters.Add(new() { Value = script.Name });
        record.Parameters.Add(new() { Value = script.Checksum });
        record.Parameters.Add(new() { Value = started.Elapsed.TotalMilliseconds });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> as the schema's owner on its path (for the control objects).</summary>
    private static string AsOwner(string schema, string sql) =>
        $"SET LOCAL ROLE {PgIdentifier.Quote(PooledNames.OwnerRole(schema))};\n{sql}\nRESET ROLE;";

    private static async Task<bool> InspectRoleAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string role, string database, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT shobj_description(r.oid, 'pg_authid') FROM pg_catalog.pg_roles r WHERE r.rolname = $1", connection, transaction);
        command.Parameters.Add(new() { Value = role });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }

        var comment = reader.IsDBNull(0) ? null : reader.GetString(0);
        return comment == PooledStoreDdl.Marker(database, schema)
            ? true
            : throw new StepFailedException(
                $"A role named '{role}' already exists and was not created by this control plane for pooled schema '{schema}' in database '{database}'; it is left untouched. Drop or rename it, or set ControlPlane:Pooled:Schema to another name.",
                retryable: false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A pooled schema's version and policy mode as the registry has them.</summary>
public sealed record PooledStoreState(string Schema, int MigrationVersion, PooledPolicyMode Mode);
