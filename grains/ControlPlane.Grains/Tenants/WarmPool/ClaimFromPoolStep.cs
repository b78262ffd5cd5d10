using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>
/// <c>Requested → Active</c> in one transaction, when the warm pool has a schema at the current catalogue: takes it
/// (its row locked and deleted, so no other onboarding can), renames the schema and its role to the tenant's, gives the
/// role the tenant's password (SCRAM, set after the rename), marker and path, runs the personalised seed, verifies what
/// <see cref="ActivateStep"/> verifies (these three in one round trip), records the applied migrations and saves the four steps' timeline entries.
/// Null when the pool has nothing to give: the tenant is then built as before.
/// </summary>
public sealed class ClaimFromPoolStep(
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    MigrationCatalog catalog,
    SeedStep seed,
    IOptions<TenantModelOptions> options)
{
    /// <summary>True when onboarding asks the pool first (<c>ControlPlane:Tenants:WarmPoolSize</c> above 0).</summary>
    public bool Enabled => options.Value.WarmPoolSize > 0;

    public async Task<StepOutcome?> TryRunAsync(StepContext context)
    {
        MigrationSet set;
        try
        {
            set = catalog.Current();
        }
        catch (MigrationCatalogException)
        {
            // The build path reports an invalid catalogue as the step's failure.
            return null;
        }

        var slug = context.Slug;
        string? pooled;
        await using (var claim = new NpgsqlBatch(context.Connection, context.Transaction)
        {
            BatchCommands = { WarmPoolRows.Claim(set, slug.RoleName, slug.SchemaName), SeedStep.Personalise(context.Row, slug) },
        })
        {
            await using var reader = await claim.ExecuteReaderAsync(context.CancellationToken);
            pooled = await reader.ReadAsync(context.CancellationToken) ? reader.GetString(0) : null;
        }

        if (pooled is null)
        {
            return null;
        }

        // The renames, password, marker and path, the seed and the Activate check in one round trip: the reader starts
        // at the check (the first statement that returns rows), and an error in any statement before it surfaces here.
        var verifier = ScramVerifier.Create(passwords.For(slug.RoleName));
        var attempt = context.Row.Attempts + 1;
        var requested = context.Row.State;
        var created = TenantStateMachine.To(ProvisioningStep.CreateSchema);
        var migrated = TenantStateMachine.To(ProvisioningStep.Migrate);
        var seeded = TenantStateMachine.To(ProvisioningStep.Seed);
        var seedCommands = seed.CommandsFor(slug);
        StepOutcome verified;
        await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction))
        {
            foreach (var statement in SqlStatementSplitter.Split(TenantDdl.ClaimPoolSchema(pooled, slug, dataSources.DatabaseName, verifier)).Where(s => !string.IsNullOrWhiteSpace(s)))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            }

            foreach (var command in seedCommands)
            {
                batch.BatchCommands.Add(command);
            }

            batch.BatchCommands.Add(ActivateStep.Check(slug));
            await using var reader = await batch.ExecuteReaderAsync(context.CancellationToken);
            verified = await ActivateStep.ReadAsync(reader, context with { Row = context.Row with { State = seeded, MigrationVersion = set.LatestVersion } });
        }
        var events = new List<TenantEventDraft>
        {
            new(requested, created, ProvisioningStep.CreateSchema, $"claimed warm pool schema {pooled} as schema {slug.SchemaName} and role {slug.RoleName}", attempt),
            new(created, migrated, ProvisioningStep.Migrate, $"at version {set.LatestVersion} (migrated in the warm pool)", attempt),
            new(migrated, seeded, ProvisioningStep.Seed, seedCommands.Count == 0 ? "no seed script configured" : "base data seeded", attempt),
        };
        events.AddRange(verified.Events);
        return new StepOutcome(verified.Row, [.. events])
        {
            AlsoRun = [.. set.Scripts.Select(s => AppliedMigrations.Upsert(slug.Value, s, AppliedMigrationStatus.Applied, 0))],
        };
    }
}
