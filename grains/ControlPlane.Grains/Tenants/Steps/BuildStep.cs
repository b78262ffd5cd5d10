using System.Diagnostics;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Requested → Active</c> in one transaction for a schema-tier tenant built from nothing: the four steps' own work
/// (<see cref="CreateSchemaStep"/>, each migration as <see cref="MigrateStep"/> records it, <see cref="SeedStep"/>,
/// <see cref="ActivateStep"/>), each step's timeline entries and span, one save and one commit. Six transactions,
/// each with the row lock, the fence, a save and a notification, cost as much PostgreSQL time again as the DDL itself
/// (the onboarding benchmark's "transaction structure" row); one keeps every guarantee, since the lock and the fence
/// hold for all of it and a crash rolls all of it back to <c>Requested</c>.
/// </summary>
/// <remarks>
/// Only with <c>ControlPlane:Provisioning:BuildInOneTransaction</c> (the default), and only the plain case: the newest
/// catalogue, every migration transactional, nothing recorded yet. Anything that goes wrong is rolled back to a
/// savepoint taken first, and the caller runs the steps one by one in the same transaction, as before: a failure is
/// then met, recorded, retried and shown at the step where it happens, and costs a second try.
/// </remarks>
public sealed partial class BuildStep(CreateSchemaStep createSchema, SeedStep seed, MigrationCatalog catalog, IOptions<ProvisioningOptions> options, ILogger<BuildStep> logger)
{
    private const string Savepoint = "controlplane_build";

    /// <summary>The outcome when the tenant was built and verified; null when the caller should run the steps one by one.</summary>
    public async Task<StepOutcome?> TryRunAsync(StepContext context)
    {
        if (!options.Value.BuildInOneTransaction || context.UpgradeTarget is not null || context.Applied.Count > 0 || context.Row.CopyFrom is not null
            || context.Row.State != TenantStateMachine.From(ProvisioningStep.CreateSchema))
        {
            return null;
        }

        MigrationSet set;
        try
        {
            set = catalog.Current();
        }
        catch (MigrationCatalogException)
        {
            // The migrate step reports an invalid catalogue as its failure.
            return null;
        }

        if (set.Scripts.Count == 0 || set.Scripts.Any(s => !s.Transactional))
        {
            return null;
        }

        await context.Transaction.SaveAsync(Savepoint, context.CancellationToken);

        // The unit's own span is the CreateSchema step's; the later steps' spans are recorded once all of it succeeded.
        var steps = new List<(WorkUnit Unit, DateTimeOffset Start, DateTimeOffset End, MigrationScript? Script)>();
        try
        {
            var clock = Stopwatch.StartNew();
            var created = await createSchema.RunAsync(context);
            var started = DateTimeOffset.UtcNow;
            var row = created.Row;
            var events = new List<TenantEventDraft>(created.Events);
            var applied = new List<(MigrationScript, TimeSpan)>();
            foreach (var script in set.Scripts)
            {
                var took = Stopwatch.StartNew();
                await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction))
                {
                    // Already under the unit's timeouts (the caller's), so the migration does not enter and leave them.
                    foreach (var command in MigrateStep.Statements(context, script, underTimeouts: false))
                    {
                        batch.BatchCommands.Add(command);
                    }

                    batch.BatchCommands.Add(AppliedMigrations.UpsertTimed(context.Row.Slug, script));
                    await batch.ExecuteNonQueryAsync(context.CancellationToken);
                }

                var migrated = MigrateStep.Applied(context with { Row = row }, script, set.LatestVersion, took: null);
                row = migrated.Row;
                events.AddRange(migrated.Events);
                applied.Add((script, took.Elapsed));
                steps.Add((WorkUnit.Migrate, started, DateTimeOffset.UtcNow, script));
                started = DateTimeOffset.UtcNow;
            }

            var seeded = await seed.RunAsync(context with { Row = row });
            events.AddRange(seeded.Events);
            steps.Add((WorkUnit.Seed, started, DateTimeOffset.UtcNow, null));

            started = DateTimeOffset.UtcNow;
            var verified = await ActivateStep.RunAsync(context with { Row = seeded.Row });
            events.AddRange(verified.Events);
            steps.Add((WorkUnit.Activate, started, DateTimeOffset.UtcNow, null));

            foreach (var (unit, start, end, script) in steps)
            {
                ProvisioningTelemetry.RecordStep(unit, context.Row, start, end, script);
            }

            LogBuilt(logger, context.Slug.Value, set.LatestVersion, clock.Elapsed.TotalMilliseconds);
            return new StepOutcome(verified.Row, [.. events]) { AppliedInline = applied };
        }
        catch (Exception ex) when (ex is PostgresException or StepFailedException)
        {
            await context.Transaction.RollbackAsync(Savepoint, context.CancellationToken);
            LogFallBack(logger, context.Slug.Value, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tenant {Slug} built to version {Version} in one transaction ({Ms:0} ms before its save)")]
    private static partial void LogBuilt(ILogger logger, string slug, int version, double ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Slug}: building in one transaction failed ({Reason}); rolled back, running the steps one by one")]
    private static partial void LogFallBack(ILogger logger, string slug, string reason);
}
