using System.Diagnostics;
using System.Globalization;
using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Pooled;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants.Steps;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Moves;

/// <summary>
/// The work of a move between tiers (docs/tiers.md#moving-a-tenant-between-tiers), one method per phase, each in the
/// drive's transaction with the tenant's row lock, so a crash leaves a phase wholly done or not at all: prepare the
/// target, then copy, verify and switch routing together, then remove the source.
/// </summary>
public sealed class TenantMoveSteps(
    ControlPlaneDataSources dataSources, TenantRolePasswords passwords, MigrationCatalog catalog, PooledStore pooled, PooledCatalog pooledCatalog)
{
    /// <summary>
    /// Refuses a move that cannot keep the tenant at one version: while a rollout is open (it changes the schema tier,
    /// and the pooled schema as one unit), or when the target is not at the tenant's version.
    /// </summary>
    public async Task RefuseUnlessReadyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TenantRow row, TenantTier to, CancellationToken cancellationToken)
    {
        await using (var open = new NpgsqlCommand(
            $"SELECT r.id, r.state, r.target_version FROM controlplane.rollouts r WHERE r.state IN {RolloutRows.OpenStates} LIMIT 1", connection, transaction))
        await using (var reader = await open.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                throw new TenantConflictException(row.Slug,
                    $"Rollout {reader.GetString(0)} is {reader.GetString(1)} (to version {reader.GetInt32(2)}); a move waits until no rollout is changing either tier, so that source and target stay at one version.");
            }
        }

        var problem = to == TenantTier.Pooled
            ? PooledVersionProblem(row, await PooledStore.ReadAsync(connection, transaction, pooled.Schema, cancellationToken))
            : SchemaCatalogueProblem(row);
        if (problem is not null)
        {
            throw new TenantConflictException(row.Slug, problem);
        }
    }

    /// <summary>
    /// <c>Preparing → Copying</c>: the target, empty and at the tenant's version. For the schema tier its role and schema
    /// (the row's <c>tenant_&lt;slug&gt;</c> names) migrated one script after another; for the pooled tier the pooled
    /// schema (made on first use) and the tenant's control row.
    /// </summary>
    public async Task<StepOutcome> PrepareAsync(StepContext context)
    {
        var move = RequireMove(context.Row);
        if (context.Row.Tier == move.To)
        {
            // Never reached through the API (a tenant in the target tier does not start a move): the target is the live data.
            throw new StepFailedException($"Tenant '{context.Slug}' is already in the {move.To.ToText()} tier; nothing to prepare.", retryable: false);
        }

        string detail;
        if (move.To == TenantTier.Schema)
        {
            detail = await PrepareSchemaAsync(context);
        }
        else
        {
            detail = await PreparePooledAsync(context);
        }

        return Advance(context, move, $"move to the {move.To.ToText()} tier: {detail}; writes are held while the rows are copied");
    }

    /// <summary>
    /// <c>Copying → Removing</c>: copies and verifies every table, then switches routing (tier and pooled schema) in the
    /// same transaction, so a crash before the commit leaves the tenant wholly in its source (the next try starts from
    /// the empty target again), and after it wholly in its target.
    /// </summary>
    public async Task<StepOutcome> CopyAsync(StepContext context)
    {
        var move = RequireMove(context.Row);
        var row = context.Row;
        var pooledSchema = row.PooledSchema ?? pooled.Schema;
        var limit = ((long)CopyStep.MaxCopyTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await context.ExecuteAsync($"SET LOCAL statement_timeout = {limit}");

        // FOR SHARE: the pooled schema cannot be upgraded under the copy; its version must still be the tenant's.
        await using (var version = context.Command("SELECT migration_version FROM controlplane.pooled_stores WHERE schema_name = $1 FOR SHARE"))
        {
            version.Parameters.Add(new() { Value = pooledSchema });
            var at = await version.ExecuteScalarAsync(context.CancellationToken) as int?;
            if (at != row.MigrationVersion)
            {
                throw new StepFailedException($"The pooled schema {pooledSchema} is at version {at?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} and tenant '{row.Slug}' at {row.MigrationVersion}; nothing was moved.", retryable: false);
            }
        }

        await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { PooledTenantContext.Set(context.Slug.Value) } })
        {
            await batch.ExecuteNonQueryAsync(context.CancellationToken);
        }

        var watch = Stopwatch.StartNew();
        var moved = await MoveCopy.RunAsync(context, context.Slug.SchemaName, pooledSchema, toPooled: move.To == TenantTier.Pooled);
        var switched = move.To == TenantTier.Pooled
            ? row with { Tier = TenantTier.Pooled, PooledSchema = pooledSchema }
            : row with { Tier = TenantTier.Schema, PooledSchema = null };
        var to = move.To == TenantTier.Pooled ? $"pooled schema {pooledSchema}" : $"schema {context.Slug.SchemaName}";
        return Advance(context with { Row = switched }, move,
            $"move to the {move.To.ToText()} tier: copied {MoveCopy.Describe(moved)} into {to} in {watch.ElapsedMilliseconds} ms; routing switched, writes resume");
    }

    /// <summary><c>Removing → (no move)</c>: the source goes: the tenant's pooled rows in bounded batches, or its old schema and role.</summary>
    public async Task<StepOutcome> RemoveAsync(StepContext context)
    {
        var move = RequireMove(context.Row);
        string detail;
        if (move.To == TenantTier.Schema)
        {
            var removed = await PooledRows.DeleteTenantAsync(context.Connection, context.Transaction, pooled.Schema, context.Slug.Value, context.CancellationToken);
            detail = $"{removed} row(s) and the control row removed from pooled schema {pooled.Schema}";
        }
        else
        {
            detail = await RemoveSchemaAsync(context);
        }

        var row = context.Row with { Move = null };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Move, $"move to the {move.To.ToText()} tier done: {detail}", context.Row.Attempts + 1));
    }

    private async Task<string> PrepareSchemaAsync(StepContext context)
    {
        var row = context.Row;
        var slug = context.Slug;
        if (SchemaCatalogueProblem(row) is { } problem)
        {
            throw new StepFailedException(problem, retryable: false);
        }

        var database = dataSources.DatabaseName;
        var (exists, ours) = await TenantRoles.InspectAsync(context, database);
        if (exists && !ours)
        {
            throw new StepFailedException($"A role named '{slug.RoleName}' already exists and was not created by this control plane for tenant '{slug}'; it is left untouched and nothing was moved.", retryable: false);
        }

        // The tenant is pooled, so a schema of its name never held its data: it is what an earlier, failed move left.
        var schema = PgIdentifier.Quote(slug.SchemaName);
        await context.ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await context.ExecuteAsync(TenantDdl.CreateRoleAndSchema(slug, database, ScramVerifier.Create(passwords.For(slug.RoleName)), exists));
        await using (var forget = context.Command("DELETE FROM controlplane.tenant_migrations WHERE slug = $1"))
        {
            forget.Parameters.Add(new() { Value = slug.Value });
            await forget.ExecuteNonQueryAsync(context.CancellationToken);
        }

        var scripts = catalog.Current().Scripts.Where(s => s.Version <= row.MigrationVersion).ToList();
        foreach (var script in scripts)
        {
            await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
            batch.BatchCommands.Add(AppliedMigrations.StartTimed(schema));
            foreach (var statement in script.Statements)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            }

            batch.BatchCommands.Add(AppliedMigrations.RestorePath());
            batch.BatchCommands.Add(AppliedMigrations.UpsertTimed(slug.Value, script));
            await batch.ExecuteNonQueryAsync(context.CancellationToken);
        }

        return $"schema {slug.SchemaName} and role {slug.RoleName} created and migrated to version {row.MigrationVersion} ({scripts.Count} migration(s))";
    }

    private async Task<string> PreparePooledAsync(StepContext context)
    {
        var row = context.Row;
        var state = await pooled.EnsureAsync(context.Connection, context.Transaction, context.CancellationToken);
        if (PooledVersionProblem(row, state) is { } problem)
        {
            throw new StepFailedException(problem, retryable: false);
        }

        // The tenant is in its own schema, so pooled rows of its tenant_id are what an earlier, failed move left.
        await PooledRows.DeleteTenantAsync(context.Connection, context.Transaction, state.Schema, context.Slug.Value, context.CancellationToken);
        await using (var register = context.Command(
            $"INSERT INTO {PooledSteps.Table(state.Schema, PooledNames.TenantsTable)} (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO UPDATE SET suspended = false"))
        {
            register.Parameters.Add(new() { Value = context.Slug.Value });
            await register.ExecuteNonQueryAsync(context.CancellationToken);
        }

        return $"registered in pooled schema {state.Schema} at version {state.MigrationVersion}";
    }

    private async Task<string> RemoveSchemaAsync(StepContext context)
    {
        var slug = context.Slug;
        var detail = await TenantRoles.DropSchemaAndRoleAsync(context, dataSources.DatabaseName);

        // Its version records went with its schema; a move back builds the schema and records them again.
        await using (var forget = context.Command("DELETE FROM controlplane.tenant_migrations WHERE slug = $1"))
        {
            forget.Parameters.Add(new() { Value = slug.Value });
            await forget.ExecuteNonQueryAsync(context.CancellationToken);
        }

        return detail;
    }

    private string? PooledVersionProblem(TenantRow row, PooledStoreState? state)
    {
        // A pooled schema not made yet is made at its catalogue's newest version.
        var version = state?.MigrationVersion ?? pooledCatalog.Migrations.Current().LatestVersion;
        return version == row.MigrationVersion
            ? null
            : $"The pooled schema {pooled.Schema} is at version {version} and tenant '{row.Slug}' at {row.MigrationVersion}; a move needs both at one version (a rollout brings them level).";
    }

    private string? SchemaCatalogueProblem(TenantRow row)
    {
        var set = catalog.Current();
        if (row.MigrationVersion > set.LatestVersion || (row.MigrationVersion > 0 && !set.ByVersion.ContainsKey(row.MigrationVersion)))
        {
            return $"The schema tier's catalogue has no version {row.MigrationVersion} (its newest is {set.LatestVersion}); tenant '{row.Slug}' can move to the schema tier once the catalogue holds its version.";
        }

        return set.Scripts.FirstOrDefault(s => s.Version <= row.MigrationVersion && !s.Transactional) is { } outside
            ? $"Migration V{outside.Version:0000} {outside.Name} runs outside a transaction; a move builds the tenant's schema in one transaction, so it cannot include it."
            : null;
    }

    private static StepOutcome Advance(StepContext context, TenantMove move, string detail)
    {
        var next = TenantStateMachine.AfterMovePhase(move.Phase) ?? throw new InvalidOperationException($"Tenant '{context.Slug}': the move's phase {move.Phase} is its last.");
        var row = context.Row with { Move = move with { Phase = next } };
        return new StepOutcome(row, new TenantEventDraft(context.Row.State, row.State, ProvisioningStep.Move, detail, context.Row.Attempts + 1));
    }

    private static TenantMove RequireMove(TenantRow row) =>
        row.Move ?? throw new InvalidOperationException($"Tenant '{row.Slug}' has no move in progress.");
}
