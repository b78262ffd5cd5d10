using System.Data;
using System.Globalization;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Copies;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Migrated → Seeded</c> for a clone or an import, in place of the seed: copies the rows of every table of the new
/// tenant's (just migrated) schema from the source, in one REPEATABLE READ transaction on a second connection, so all
/// tables come from one snapshot of the source; the step's own transaction, which holds the tenant's row lock, then
/// records the new state with the counts. A crash before that commit leaves the state at Migrated and the copy runs
/// again: it empties the target tables first, so the result is the same single copy.
/// </summary>
public sealed class CopyStep(ControlPlaneDataSources dataSources)
{
    /// <summary>
    /// The longest a copy may take. The step's transaction sits idle while the copy runs on the other connection, so
    /// its idle-in-transaction limit is raised to this for the step (a frozen silo's lock is then freed after it).
    /// </summary>
    public static readonly TimeSpan MaxCopyTime = TimeSpan.FromHours(1);

    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var row = context.Row;
        var source = row.CopyFrom ?? throw new InvalidOperationException($"Tenant '{row.Slug}' has nothing to copy from.");
        var cancellationToken = context.CancellationToken;
        if (source.Kind == TenantCopyKind.Clone)
        {
            await HoldSourceAsync(context, source.Name);
        }

        var limit = ((long)MaxCopyTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await context.ExecuteAsync($"SET LOCAL idle_in_transaction_session_timeout = {limit}");

        await using var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var timeout = new NpgsqlCommand($"SET LOCAL statement_timeout = {limit}", connection, copy))
        {
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!await SchemaStructure.ExistsAsync(connection, copy, source.SourceSchema, cancellationToken))
        {
            throw new StepFailedException($"The source schema {source.SourceSchema} of {source} does not exist any more; nothing was copied.", retryable: false);
        }

        var target = await SchemaStructure.ReadAsync(connection, copy, context.Slug.SchemaName, cancellationToken);
        var from = await SchemaStructure.ReadAsync(connection, copy, source.SourceSchema, cancellationToken);

        // A clone's source must be exactly the clone's shape; an import's need only hold the model's tables and columns.
        var match = source.Kind == TenantCopyKind.Clone ? StructureMatch.Exact : StructureMatch.ModelTablesAndColumns;
        var differences = StructureComparison.Differences(target, from, match);
        if (differences.Count > 0)
        {
            throw new StepFailedException($"The structure of {source.SourceSchema} no longer matches the tenant's schema at version {row.MigrationVersion}: {string.Join("; ", differences)}. Nothing was copied.", retryable: false);
        }

        var copied = await TableCopy.RunAsync(connection, copy, from, target, sourceKeysHold: match == StructureMatch.Exact, cancellationToken);
        await copy.CommitAsync(cancellationToken);

        var seeded = row with { State = TenantStateMachine.To(ProvisioningStep.Copy) };
        var what = source.Kind == TenantCopyKind.Clone ? $"cloned from tenant {source.Name}" : $"imported from schema {source.Name}";
        return new StepOutcome(seeded, new TenantEventDraft(
            row.State, seeded.State, ProvisioningStep.Copy, $"{what} at version {row.MigrationVersion}: {TableCopy.Describe(copied)}", row.Attempts + 1));
    }

    /// <summary>
    /// Holds the source tenant's row FOR SHARE until the step commits, so the source cannot be upgraded, suspended or
    /// deleted while it is being copied; and checks it still serves at the clone's version.
    /// </summary>
    private static async Task HoldSourceAsync(StepContext context, string sourceSlug)
    {
        await using var command = context.Command("SELECT state, migration_version FROM controlplane.tenants WHERE slug = $1 FOR SHARE");
        command.Parameters.Add(new() { Value = sourceSlug });
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        if (!await reader.ReadAsync(context.CancellationToken))
        {
            throw new StepFailedException($"The clone's source tenant '{sourceSlug}' does not exist.", retryable: false);
        }

        var state = Enum.Parse<TenantStatus>(reader.GetString(0));
        var version = reader.GetInt32(1);
        if (!TenantStateMachine.Serves(state))
        {
            throw new StepFailedException($"The clone's source tenant '{sourceSlug}' is {state}; only an Active tenant is cloned.", retryable: !TenantStateMachine.IsGone(state));
        }

        if (version != context.Row.MigrationVersion)
        {
            throw new StepFailedException($"The clone's source tenant '{sourceSlug}' is at version {version} and the clone at {context.Row.MigrationVersion}; a clone copies a source at its own version.", retryable: false);
        }
    }
}
