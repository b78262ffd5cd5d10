using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>
/// Registers a schema another tool created as a tenant at a baseline version, in one transaction: the structure check
/// against what versions 1..N produce, the rename to <c>tenant_&lt;slug&gt;</c> (the data is not moved), the role and
/// grants, the registry row in <see cref="TenantStateMachine.Adopted"/> with its timeline entry and the version records
/// 1..N. Any refusal rolls all of it back, so nothing is registered. The drive then runs Activate's checks.
/// </summary>
public sealed class SchemaAdoption(ControlPlaneDataSources dataSources, WorkConnectionBudget budget, MigrationCatalog catalog, TenantRolePasswords passwords)
{
    public const string SchemaField = "schema";
    public const string BaselineField = "baselineVersion";

    public async Task AdoptAsync(TenantSlug slug, string displayName, AdoptRequest request, string siloId, CancellationToken cancellationToken)
    {
        var schema = SourceSchemaName.Validate(SchemaField, request.Schema);
        var catalogue = catalog.Current();
        var version = request.BaselineVersion;
        if (version < 1 || version > catalogue.LatestVersion)
        {
            throw new TenantValidationException(BaselineField, $"The baselineVersion is {version}; the catalogue has versions 1..{catalogue.LatestVersion}.");
        }

        await using var lease = await budget.OpenAsync(cancellationToken);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await TenantRows.GetAsync(connection, transaction, slug.Value, cancellationToken) is { } existing)
        {
            throw new TenantConflictException(slug.Value, $"Tenant '{slug}' already exists ({existing.State}); adopt the schema under a new slug.");
        }

        await using (var owner = new NpgsqlCommand("SELECT slug FROM controlplane.tenants WHERE schema_name = $1 AND state <> 'Deleted'", connection, transaction))
        {
            owner.Parameters.Add(new() { Value = schema });
            if (await owner.ExecuteScalarAsync(cancellationToken) is string tenant)
            {
                throw new TenantSourceMismatchException(SchemaField, $"Schema '{schema}' belongs to tenant '{tenant}'; it is already registered.", []);
            }
        }

        if (!await SchemaStructure.ExistsAsync(connection, transaction, schema, cancellationToken))
        {
            throw new TenantSourceMismatchException(SchemaField, $"There is no schema '{schema}' in this database.", []);
        }

        if (schema != slug.SchemaName && await SchemaStructure.ExistsAsync(connection, transaction, slug.SchemaName, cancellationToken))
        {
            throw new TenantSourceMismatchException(SchemaField, $"Schema '{schema}' would be renamed to {slug.SchemaName}, which exists already.", []);
        }

        var reference = await ReferenceStructure.BuildAsync(connection, transaction, catalogue, version, cancellationToken);
        var actual = await SchemaStructure.ReadAsync(connection, transaction, schema, cancellationToken);
        var differences = StructureComparison.Differences(reference, actual, StructureMatch.Exact);
        if (differences.Count > 0)
        {
            throw new TenantSourceMismatchException(SchemaField,
                $"Schema '{schema}' is not what versions 1..{version} of the catalogue produce ({differences.Count} difference(s)); nothing was registered.", differences);
        }

        var database = dataSources.DatabaseName;
        var (roleExists, ours) = await InspectRoleAsync(connection, transaction, slug, database, cancellationToken);
        if (roleExists && !ours)
        {
            throw new TenantConflictException(slug.Value, $"A role named '{slug.RoleName}' already exists and was not created by this control plane; it is left untouched.");
        }

        var quoted = PgIdentifier.Quote(slug.SchemaName);
        var role = PgIdentifier.Quote(slug.RoleName);
        var ddl = (schema == slug.SchemaName ? string.Empty : $"ALTER SCHEMA {PgIdentifier.Quote(schema)} RENAME TO {quoted};\n")
            + TenantDdl.CreateRoleAndSchema(slug, database, ScramVerifier.Create(passwords.For(slug.RoleName)), roleExists)
            + $"""

            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted} TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {quoted} TO {role};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {quoted} TO {role};
            """;
        await using (var command = new NpgsqlCommand(ddl, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Register(slug, displayName, version));
            var renamed = schema == slug.SchemaName ? string.Empty : $" (renamed to {slug.SchemaName})";
            batch.BatchCommands.Add(TenantRows.EventInsert(slug.Value, new TenantEventDraft(
                null, TenantStateMachine.Adopted, null,
                $"adopted schema {schema}{renamed} at baseline version {version}: its {actual.Tables.Count} tables, constraints and indexes match versions 1..{version}; data not moved", 0), siloId));
            foreach (var script in catalogue.Scripts.Where(s => s.Version <= version))
            {
                batch.BatchCommands.Add(AppliedMigrations.Upsert(slug.Value, script, AppliedMigrationStatus.Applied, 0));
            }

            batch.BatchCommands.Add(TenantChangeFeed.Notify(slug.Value));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Register(TenantSlug slug, string displayName, int version)
    {
        var insert = new NpgsqlBatchCommand(
            """
            INSERT INTO controlplane.tenants (slug, display_name, schema_name, role_name, state, migration_version, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = slug.Value });
        insert.Parameters.Add(new NpgsqlParameter { Value = displayName });
        insert.Parameters.Add(new NpgsqlParameter { Value = slug.SchemaName });
        insert.Parameters.Add(new NpgsqlParameter { Value = slug.RoleName });
        insert.Parameters.Add(new NpgsqlParameter { Value = TenantStateMachine.Adopted.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = version });
        return insert;
    }

    private static async Task<(bool Exists, bool Ours)> InspectRoleAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantSlug slug, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT shobj_description(r.oid, 'pg_authid') FROM pg_catalog.pg_roles r WHERE r.rolname = $1", connection, transaction);
        command.Parameters.Add(new() { Value = slug.RoleName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (false, false);
        }

        return (true, !reader.IsDBNull(0) && reader.GetString(0) == TenantRoles.Marker(database, slug));
    }
}
