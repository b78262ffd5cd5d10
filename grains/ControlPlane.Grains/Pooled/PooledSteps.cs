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

    /// <summary>Runs <paramref name="unit"/>'s pooled variant; DDL (the pooled schema's first use) under the unit's timeouts.</summary>
    public Task<StepOutcome> RunAsync(WorkUnit unit, StepContext context) =>
        unit == WorkUnit.CreateSchema && context.Row.State == TenantStateMachine.From(ProvisioningStep.CreateSchema)
            ? OnboardAsync(context)
            : context.UnderTimeoutsAsync(() => RunStepAsync(unit, context));

    private Task<StepOutcome> RunStepAsync(WorkUnit unit, StepContext context) => unit switch
    {
        WorkUnit.CreateSchema => RegisterAsync(context),
        WorkUnit.Migrate => MigrateAsync(context),
        WorkUnit.Seed => SeedAsync(context),
        WorkUnit.Activate => ActivateAsync(context),
        WorkUnit.Deprovision => DeprovisionAsync(context),
        _ => throw new InvalidOperationException($"Pooled tenant '{context.Slug}' has no step for {unit}."),
    };

    /// <summary>
    /// <c>Requested → Active</c> in one unit: the four steps below, in the unit's transaction and in one round trip
    /// (the control row, the checks with the pooled schema's version, the tenant context, the personalisation and the
    /// seed's statements), each step recording its own timeline entry, as a claim from the warm pool does. A pooled tenant's
    /// steps are a few inserts and one check, so four transactions (each with the row lock, the fence, a save and a
    /// notification) would cost several times the work itself; one keeps every guarantee: the lock and the fence hold
    /// for all four, and a failure rolls all four back, leaving the tenant Requested with the failed statement's error,
    /// retried from the start. A tenant found in a later state (a crash between steps of an older version) continues
    /// step by step.
    /// </summary>
    private async Task<StepOutcome> OnboardAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        int version;
        bool seeded;
        if (context.Prelude is OnboardingPrelude prelude)
        {
            // Sent with the registration (PreludeFor): the checks' answer is in, the seed ran as the lock's reader closed.
            version = prelude.Version ?? throw (prelude.Failure ?? new StepFailedException($"The pooled checks of tenant '{context.Slug}' gave no answer.", retryable: true));
            seeded = prelude.Seeded;
        }
        else
        {
            if (!store.KnownMade)
            {
                // Only the first use runs DDL; once the store is known, the unit is inserts under the session's timeouts.
                await context.UnderTimeoutsAsync(() => store.EnsureAsync(context.Connection, context.Transaction, context.CancellationToken));
            }

            var seed = _seed.ReadStatements();
            seeded = seed is not null;
            try
            {
                await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
                foreach (var command in OnboardingCommands(schema, context.Slug, context.Row.DisplayName, seed))
                {
                    batch.BatchCommands.Add(command);
                }

                // The reader starts at the first statement that returns rows: the check. Closing it runs the rest (the
                // seed), whose errors surface there, inside this try.
                var reader = await batch.ExecuteReaderAsync(context.CancellationToken);
                await using (reader)
                {
                    version = await ReadActivationCheckAsync(reader, context.Slug, schema, context.CancellationToken);
                }
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                // The pooled schema went away under us (dropped by hand): the retry makes it again.
                store.Forget();
                throw;
            }
        }

        var (attempt, requested) = (context.Row.Attempts + 1, context.Row.State);
        var (created, migrated, seededState, active) = (
            TenantStateMachine.To(ProvisioningStep.CreateSchema), TenantStateMachine.To(ProvisioningStep.Migrate),
            TenantStateMachine.To(ProvisioningStep.Seed), TenantStateMachine.To(ProvisioningStep.Activate));
        var row = context.Row with { State = active, MigrationVersion = Math.Max(context.Row.MigrationVersion, version) };
        return new StepOutcome(
            row,
            new TenantEventDraft(requested, created, ProvisioningStep.CreateSchema, Registered(schema, version), attempt),
            new TenantEventDraft(created, migrated, ProvisioningStep.Migrate, AtPooledVersion(row.MigrationVersion), attempt),
            new TenantEventDraft(migrated, seededState, ProvisioningStep.Seed, Seeded(schema, seeded), attempt),
            new TenantEventDraft(seededState, active, ProvisioningStep.Activate, Verified(schema, context.Slug), attempt));
    }

    /// <summary>
    /// The onboarding unit's statements, to send with <paramref name="slug"/>'s registration and row lock (one round trip
    /// fewer); null when the pooled schema is not known to exist yet, whose first use runs DDL under the unit's timeouts.
    /// </summary>
    /// <remarks>
    /// An error in them (the pooled schema dropped by hand, a failing seed) surfaces from the lock's call and ends the
    /// attempt with nothing committed; the tenant is then registered as any other, and its drive runs this unit without
    /// a prelude, which meets, records and retries the error.
    /// </remarks>
    public UnitPrelude? PreludeFor(TenantSlug slug, string displayName)
    {
        if (!store.KnownMade)
        {
            return null;
        }

        var seed = _seed.ReadStatements();
        return new OnboardingPrelude(store.Schema, slug, OnboardingCommands(store.Schema, slug, displayName, seed), seed is not null);
    }

    /// <summary>
    /// The onboarding in statements: the control row, the checks with the pooled schema's version (the first to return
    /// rows), the tenant context, the personalisation and the seed's statements on the pooled schema.
    /// </summary>
    private static List<NpgsqlBatchCommand> OnboardingCommands(string schema, TenantSlug slug, string displayName, IReadOnlyList<string>? seed)
    {
        List<NpgsqlBatchCommand> commands = [Register(schema, slug), ActivationCheck(schema, slug), PooledTenantContext.Set(slug.Value), SeedStep.Personalise(displayName, slug)];
        if (seed is not null)
        {
            commands.Add(new NpgsqlBatchCommand($"SET LOCAL search_path TO {PgIdentifier.Quote(schema)}"));
            commands.AddRange(seed.Select(statement => new NpgsqlBatchCommand(statement)));
        }

        return commands;
    }

    /// <summary><see cref="OnboardingCommands"/> as a prelude; keeps the checks' verdict for <see cref="OnboardAsync"/>.</summary>
    private sealed class OnboardingPrelude(string schema, TenantSlug slug, List<NpgsqlBatchCommand> commands, bool seeded) : UnitPrelude
    {
        public override IReadOnlyList<NpgsqlBatchCommand> Commands => commands;

        public override WorkUnit Unit => WorkUnit.CreateSchema;

        /// <summary>The pooled schema's version when the checks passed.</summary>
        public int? Version { get; private set; }

        /// <summary>What the checks found wrong, thrown by the unit as a step failure.</summary>
        public StepFailedException? Failure { get; private set; }

        public bool Seeded => seeded;

        public override async Task ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
        {
            try
            {
                Version = await ReadActivationCheckAsync(reader, slug, schema, cancellationToken);
            }
            catch (StepFailedException ex)
            {
                Failure = ex;
            }
        }
    }

    /// <summary><c>Requested → SchemaCreated</c>: the pooled schema (made on first use) and the tenant's row in its control table.</summary>
    private async Task<StepOutcome> RegisterAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        var made = await store.EnsureAsync(context.Connection, context.Transaction, context.CancellationToken);
        await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { Register(schema, context.Slug) } })
        {
            await batch.ExecuteNonQueryAsync(context.CancellationToken);
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.CreateSchema) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.CreateSchema, Registered(schema, made.MigrationVersion), context.Row.Attempts + 1));
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
            context.Row.State, row.State, ProvisioningStep.Migrate, AtPooledVersion(row.MigrationVersion), context.Row.Attempts + 1));
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
            context.Row.State, row.State, ProvisioningStep.Seed, Seeded(schema, script is not null), context.Row.Attempts + 1));
    }

    /// <summary><c>Seeded → Active</c>: <see cref="CheckActivationAsync"/>.</summary>
    private static async Task<StepOutcome> ActivateAsync(StepContext context)
    {
        var schema = RequireSchema(context);
        await CheckActivationAsync(context, schema);
        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Activate) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Activate, Verified(schema, context.Slug), context.Row.Attempts + 1));
    }

    /// <summary>The tenant's row in the pooled control table (a re-registration clears a suspension flag left behind).</summary>
    private static NpgsqlBatchCommand Register(string schema, TenantSlug slug) => new(
        $"INSERT INTO {Table(schema, PooledNames.TenantsTable)} (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO UPDATE SET suspended = false")
    {
        Parameters = { new() { Value = slug.Value } },
    };

    /// <summary><see cref="ActivationCheck"/> on its own round trip.</summary>
    private static async Task CheckActivationAsync(StepContext context, string schema)
    {
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { ActivationCheck(schema, context.Slug) } };
        await using var reader = await batch.ExecuteReaderAsync(context.CancellationToken);
        await ReadActivationCheckAsync(reader, context.Slug, schema, context.CancellationToken);
    }

    /// <summary>
    /// What isolation rests on, checked before a pooled tenant is Active: the data role logs in, is not superuser, has
    /// no <c>BYPASSRLS</c>, owns nothing and cannot reach the registry, and the tenant is registered and not suspended.
    /// Also reads the pooled schema's version.
    /// </summary>
    /// <remarks>
    /// Ownership is read from <c>pg_shdepend</c>'s owner entries through its index on the role, not by scanning
    /// <c>pg_class</c> (which has no index on the owner): at thousands of tenant schemas pg_class holds hundreds of
    /// thousands of rows, and this check runs for every pooled tenant onboarded.
    /// </remarks>
    private static NpgsqlBatchCommand ActivationCheck(string schema, TenantSlug slug) => new(
        $"""
        SELECT r.rolcanlogin, r.rolsuper, r.rolbypassrls,
               (SELECT count(*) FROM pg_catalog.pg_shdepend d
                 WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND d.refobjid = r.oid AND d.deptype = 'o'
                   AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                   AND d.dbid = (SELECT db.oid FROM pg_catalog.pg_database db WHERE db.datname = pg_catalog.current_database())),
               pg_catalog.has_schema_privilege(r.oid, 'controlplane', 'USAGE'),
               (SELECT NOT t.suspended FROM {Table(schema, PooledNames.TenantsTable)} t WHERE t.tenant_id = $2),
               (SELECT s.migration_version FROM controlplane.pooled_stores s WHERE s.schema_name = $3)
        FROM pg_catalog.pg_roles r WHERE r.rolname = $1
        """)
    {
        Parameters = { new() { Value = PooledNames.DataRole(schema) }, new() { Value = slug.Value }, new() { Value = schema } },
    };

    /// <summary>Throws when <see cref="ActivationCheck"/> found a problem; returns the pooled schema's version.</summary>
    private static async Task<int> ReadActivationCheckAsync(NpgsqlDataReader reader, TenantSlug slug, string schema, CancellationToken cancellationToken)
    {
        var role = PooledNames.DataRole(schema);
        if (!await reader.ReadAsync(cancellationToken))
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

        if (reader.IsDBNull(6))
        {
            problems.Add($"the pooled schema {schema} is not registered in controlplane.pooled_stores");
        }

        if (problems.Count > 0)
        {
            throw new StepFailedException($"Pooled tenant '{slug}' is not ready: {string.Join("; ", problems)}.", retryable: true);
        }

        return reader.GetInt32(6);
    }

    private static string Registered(string schema, int version) => $"registered in pooled schema {schema} (at version {version})";

    private static string AtPooledVersion(int version) => $"at version {version}, the pooled schema's";

    private static string Seeded(string schema, bool seeded) => !seeded ? "no seed script configured" : $"base data seeded in pooled schema {schema}";

    private static string Verified(string schema, TenantSlug slug) => $"verified: {PooledNames.DataRole(schema)} confined to tenant {slug} by row-level security in {schema}";

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
