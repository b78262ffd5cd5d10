using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Pooled;

/// <summary>
/// The provisioning steps of a pooled tenant: the same states and the same state machine as a schema-tier tenant
/// (<see cref="TenantStateMachine"/>), other work in each. Each runs in the step's transaction with the tenant's row lock.
/// </summary>
public sealed class PooledSteps(PooledStore store, IOptions<PooledOptions> options)
{
    private readonly SeedScript _seed = new(Options.Create(new TenantModelOptions { SeedPath = options.Value.SeedPath }));

    /// <summary>True when <paramref name="unit"/> has a pooled variant (every step but Copy; Resume is the same for both tiers).</summary>
    public static bool Handles(WorkUnit unit) => unit is WorkUnit.CreateSchema or WorkUnit.Migrate or WorkUnit.Seed or WorkUnit.Activate or WorkUnit.Deprovision;

    public Task<StepOutcome> RunAsync(WorkUnit unit, StepContext context) => unit switch
    {
        WorkUnit.CreateSchema => RegisterAsync(context),
        WorkUnit.Migrate => MigrateAsync(context),
        WorkUnit.Seed => SeedAsync(context),
        WorkUnit.Activate => ActivateAsync(context),
        WorkUnit.Deprovision => DeprovisionAsync(context),
        _ => throw new InvalidOperationException($"Pooled tenant '{context.Slug}' has no step for {unit}."),
    };

    /// <summary><c>Requested → SchemaCreated</c>: the pooled schema (made on first use) and the tenant's row in its control table.</summary>
    private async Task<StepOutcome> RegisterAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var made = await store.EnsureAsync(context.Connection, context.Transaction, context.CancellationToken);
        await using (var register = context.Command(
            $"INSERT INTO {Table(schema, PooledNames.TenantsTable)} (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO UPDATE SET suspended = false"))
        {
            register.Parameters.Add(new() { Value = context.Slug.Value });
            await register.ExecuteNonQueryAsync(context.CancellationToken);
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.CreateSchema) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.CreateSchema, $"registered in pooled schema {schema} (at version {made.MigrationVersion})", context.Row.Attempts + 1));
    }

    /// <summary>
    /// <c>SchemaCreated → Migrated</c>: a pooled tenant has no migrations of its own; it takes the pooled schema's
    /// version. In place (a rollout), the same: the pooled schema is migrated as one unit, never per tenant.
    /// </summary>
    private static async Task<StepOutcome> MigrateAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var state = await PooledStore.ReadAsync(context.Connection, context.Transaction, schema, context.CancellationToken)
            ?? throw new StepFailedException($"The pooled schema '{schema}' of tenant '{context.Slug}' is not registered.", retryable: true);
        var row = context.Row with { MigrationVersion = Math.Max(context.Row.MigrationVersion, state.MigrationVersion) };
        if (context.Row.State != TenantStateMachine.From(ProvisioningStep.Migrate))
        {
            return new StepOutcome(row);
        }

        row = row with { State = TenantStateMachine.To(ProvisioningStep.Migrate) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Migrate, $"at version {row.MigrationVersion}, the pooled schema's", context.Row.Attempts + 1));
    }

    /// <summary><c>Migrated → Seeded</c>: the seed, run with the tenant's context so every row it inserts carries its tenant_id.</summary>
    private async Task<StepOutcome> SeedAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var script = _seed.Read();
        if (script is not null)
        {
            await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction)
            {
                BatchCommands = { PooledTenantContext.Set(context.Slug.Value), SeedStep.Personalise(context.Row, context.Slug) },
            })
            {
                await batch.ExecuteNonQueryAsync(context.CancellationToken);
            }

            await context.ExecuteAsync($"SET LOCAL search_path TO {PgIdentifier.Quote(schema)};\n{script}");
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Seed) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Seed, script is null ? "no seed script configured" : $"base data seeded in pooled schema {schema}", context.Row.Attempts + 1));
    }

    /// <summary>
    /// <c>Seeded → Active</c>: checks what isolation rests on: the data role logs in, is not superuser, has no
    /// <c>BYPASSRLS</c>, owns nothing and cannot reach the registry, and the tenant is registered and not suspended.
    /// </summary>
    private static async Task<StepOutcome> ActivateAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var role = PooledNames.DataRole(schema);
        await using var command = context.Command(
            $"""
            SELECT r.rolcanlogin, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relowner = r.oid),
                   has_schema_privilege(r.oid, 'controlplane', 'USAGE'),
                   (SELECT NOT t.suspended FROM {Table(schema, PooledNames.TenantsTable)} t WHERE t.tenant_id = $2)
            FROM pg_catalog.pg_roles r WHERE r.rolname = $1
            """);
        command.Parameters.Add(new() { Value = role });
        command.Parameters.Add(new() { Value = context.Slug.Value });
        await using (var reader = await command.ExecuteReaderAsync(context.CancellationToken))
        {
            if (!await reader.ReadAsync(context.CancellationToken))
            {
                throw new StepFailedException($"The pooled data role '{role}' is missing.", retryable: true);
            }

            var problems = new List<string>();
            if (!reader.GetBoolean(0))
            {
                problems.Add($"{role} cannot log in");
            }

            if (reader.GetBoolean(1) || reader.GetBoolean(2))
            {
                problems.Add($"{role} is superuser or has BYPASSRLS, so row-level security would not hold for it");
            }

            if (reader.GetInt64(3) > 0)
            {
                problems.Add($"{role} owns {reader.GetInt64(3)} relation(s); it must own nothing");
            }

            if (reader.GetBoolean(4))
            {
                problems.Add($"{role} can reach the registry schema");
            }

            if (reader.IsDBNull(5) || !reader.GetBoolean(5))
            {
                problems.Add($"the tenant is not registered, or is suspended, in {schema}.{PooledNames.TenantsTable}");
            }

            if (problems.Count > 0)
            {
                throw new StepFailedException($"Pooled tenant '{context.Slug}' is not ready: {string.Join("; ", problems)}.", retryable: true);
            }
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Activate) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Activate, $"verified: {role} confined to tenant {context.Slug} by row-level security in {schema}", context.Row.Attempts + 1));
    }

    /// <summary>
    /// <c>Deprovisioning → Deleted</c>: removes the tenant's rows from every pooled table (referencing tables first,
    /// in batches of <see cref="PooledRows.DeleteBatch"/>), then its row in the control table.
    /// </summary>
    private static async Task<StepOutcome> DeprovisionAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var removed = await PooledRows.DeleteTenantAsync(context.Connection, context.Transaction, schema, context.Slug.Value, context.CancellationToken);
        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Deprovision) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Deprovision, $"{removed} row(s) removed from pooled schema {schema}", context.Row.Attempts + 1));
    }

    private static string RequireSchema(StepContext context) =>
        context.Row.PooledSchema ?? throw new InvalidOperationException($"Tenant '{context.Slug}' is not pooled.");

    internal static string Table(string schema, string table) => $"{PgIdentifier.Quote(schema)}.{PgIdentifier.Quote(table)}";
}
