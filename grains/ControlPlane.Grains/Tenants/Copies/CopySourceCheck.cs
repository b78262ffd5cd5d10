using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>
/// Onboarding's checks of a clone's or an import's source, before anything is registered: a clone's source is an
/// Active tenant at the version the clone will be migrated to (the catalogue's newest); an import's source schema
/// exists and holds the model's tables with their columns.
/// </summary>
public sealed class CopySourceCheck(ControlPlaneDataSources dataSources, WorkConnectionBudget budget, MigrationCatalog catalog)
{
    public const string CloneField = "cloneFrom";
    public const string ImportField = "importFrom.schema";

    /// <summary>The source the request names, validated in shape only; null for a seeded tenant.</summary>
    public static TenantCopySource? Requested(TenantSlug slug, ProvisionRequest request)
    {
        if (request.CloneFrom is not null && request.ImportFromSchema is not null)
        {
            throw new TenantValidationException(CloneField, "Give cloneFrom or importFrom, not both.");
        }

        if (request.CloneFrom is { } clone)
        {
            if (!TenantSlug.TryParse(clone, out var source, out var error))
            {
                throw new TenantValidationException(CloneField, error);
            }

            if (source == slug)
            {
                throw new TenantValidationException(CloneField, "A tenant cannot be cloned into itself.");
            }

            return new TenantCopySource(TenantCopyKind.Clone, source.Value);
        }

        if (request.ImportFromSchema is { } schema)
        {
            SourceSchemaName.Validate(ImportField, schema);
            if (schema.StartsWith(TenantSlug.SchemaPrefix, StringComparison.Ordinal))
            {
                throw new TenantValidationException(ImportField, $"'{schema}' is a tenant's schema; clone the tenant instead (cloneFrom).");
            }

            return new TenantCopySource(TenantCopyKind.Import, schema);
        }

        return null;
    }

    /// <summary>Refuses a source that cannot be copied (409, <see cref="TenantSourceMismatchException"/>); nothing is written.</summary>
    public async Task EnsureUsableAsync(TenantCopySource source, CancellationToken cancellationToken)
    {
        var catalogue = catalog.Current();
        if (source.Kind == TenantCopyKind.Clone)
        {
            await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
            var row = await TenantRows.GetAsync(connection, null, source.Name, cancellationToken)
                ?? throw new TenantSourceMismatchException(CloneField, $"There is no tenant '{source.Name}' to clone.", []);
            if (!TenantStateMachine.Serves(row.State))
            {
                throw new TenantSourceMismatchException(CloneField, $"Tenant '{source.Name}' is {row.State}; only an Active tenant can be cloned.", []);
            }

            if (row.Tier == TenantTier.Pooled)
            {
                throw new TenantSourceMismatchException(CloneField, Pooled.PooledOperations.Refusal(source.Name, "a clone copies a tenant's own schema"), []);
            }

            if (row.MigrationVersion != catalogue.LatestVersion)
            {
                throw new TenantSourceMismatchException(CloneField,
                    $"Tenant '{source.Name}' is at version {row.MigrationVersion} and a new tenant is migrated to {catalogue.LatestVersion}; roll the source out to {catalogue.LatestVersion} first.", []);
            }

            return;
        }

        await using var lease = await budget.OpenAsync(cancellationToken);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken);
        var differences = await ImportDifferencesAsync(lease.Connection, transaction, catalogue, source.Name, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        if (differences is null)
        {
            throw new TenantSourceMismatchException(ImportField, $"There is no schema '{source.Name}' in this database.", []);
        }

        if (differences.Count > 0)
        {
            throw new TenantSourceMismatchException(ImportField,
                $"Schema '{source.Name}' does not match the tenant model at version {catalogue.LatestVersion} ({differences.Count} difference(s)); nothing was created.", differences);
        }
    }

    /// <summary>The differences of <paramref name="schema"/> from the model's tables and columns; null when it does not exist.</summary>
    public static async Task<IReadOnlyList<string>?> ImportDifferencesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, MigrationSet catalogue, string schema, CancellationToken cancellationToken)
    {
        if (!await SchemaStructure.ExistsAsync(connection, transaction, schema, cancellationToken))
        {
            return null;
        }

        var reference = await ReferenceStructure.BuildAsync(connection, transaction, catalogue, catalogue.LatestVersion, cancellationToken);
        var actual = await SchemaStructure.ReadAsync(connection, transaction, schema, cancellationToken);
        return StructureComparison.Differences(reference, actual, StructureMatch.ModelTablesAndColumns);
    }
}
