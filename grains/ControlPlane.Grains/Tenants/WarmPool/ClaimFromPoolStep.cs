using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using ControlPlane.Grains.Tenants.Locks;
using ControlPlane.Grains.Tenants.Steps;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Grains.Tenants.WarmPool;

/// <summary>
/// <c>Requested → Active</c> in one transaction, when the warm pool has a schema at the current catalogue: takes it
/// (its row locked and deleted, so no other onboarding can), renames the schema and its role to the tenant's, gives the
/// role the tenant's password (SCRAM, set after the rename), login, marker and path, and runs the personalised seed, all in
/// one round trip; the save records the applied migrations and the four steps' timeline entries. What
/// <see cref="ActivateStep"/> verifies the refiller verified when it built the schema (<see cref="WarmPoolRefiller"/>):
/// renames keep the grants, and the claim sets login and path itself. Null when the pool has nothing to give: the
/// tenant is then built as before.
/// </summary>
/// <remarks>
/// Asking again here cost 1.5 ms of the claim's 11 (the check is a catalogue join PostgreSQL plans afresh every time:
/// each schema rename resets every cached plan of the database).
/// </remarks>
public sealed class ClaimFromPoolStep(
    ControlPlaneDataSources dataSources,
    TenantRolePasswords passwords,
    MigrationCatalog catalog,
    SeedStep seed,
    IOptions<TenantModelOptions> options)
{
    /// <summary>True when onboarding asks the pool first (<c>ControlPlane:Tenants:WarmPoolSize</c> above 0).</summary>
    public bool Enabled => options.Value.WarmPoolSize > 0;

    private const string Savepoint = "cp_claim";

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

        // One round trip: the step's DDL timeouts, a savepoint, the claim (which renames schema and role and sets the
        // tenant's password, login, marker and path), the personalised seed, the session's timeouts back.
        var slug = context.Slug;
        var claim = WarmPoolRows.Claim(set, slug, dataSources.DatabaseName, ScramVerifier.Create(passwords.For(slug.RoleName)));
        var seedCommands = seed.CommandsFor(slug);
        var seeded = TenantStateMachine.To(ProvisioningStep.Seed);
        string pooled;
        await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction))
        {
            if (context.Timeouts is { } timeouts)
            {
                batch.BatchCommands.Add(timeouts.Enter());
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SAVEPOINT {Savepoint}"));
            batch.BatchCommands.Add(claim);
            batch.BatchCommands.Add(SeedStep.Personalise(context.Row, slug));
            foreach (var command in seedCommands)
            {
                batch.BatchCommands.Add(command);
            }

            if (context.Timeouts is not null)
            {
                batch.BatchCommands.Add(DdlTimeouts.Leave(context.SessionLockTimeout));
            }

            // Released, so the registry writes that follow are the transaction's own, not a subtransaction's.
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"RELEASE SAVEPOINT {Savepoint}"));

            try
            {
                await using var reader = await batch.ExecuteReaderAsync(context.CancellationToken);
                if (context.Timeouts is not null)
                {
                    await reader.NextResultAsync(context.CancellationToken);
                }

                await reader.ReadAsync(context.CancellationToken);
                pooled = reader.GetString(0);

                // Drain the rest, so that an error in the seed surfaces here, as the step's failure.
                while (await reader.NextResultAsync(context.CancellationToken))
                {
                }
            }
            catch (PostgresException ex) when (WarmPoolRows.FoundNothingToClaim(ex))
            {
                // Nothing to give: back to before the claim (the lock and the registration stay), and the tenant is built.
                await using var rollback = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { new($"ROLLBACK TO SAVEPOINT {Savepoint}") } };
                await rollback.ExecuteNonQueryAsync(context.CancellationToken);
                return null;
            }
        }

        var attempt = context.Row.Attempts + 1;
        var requested = context.Row.State;
        var created = TenantStateMachine.To(ProvisioningStep.CreateSchema);
        var migrated = TenantStateMachine.To(ProvisioningStep.Migrate);
        var verified = ActivateStep.Verified(
            context with { Row = context.Row with { State = seeded, MigrationVersion = set.LatestVersion } },
            $"verified: {slug.RoleName} confined to {slug.SchemaName} (checked when the warm pool built {pooled})");
        var events = new List<TenantEventDraft>
        {
            new(requested, created, ProvisioningStep.CreateSchema, $"claimed warm pool schema {pooled} as schema {slug.SchemaName} and role {slug.RoleName}", attempt),
            new(created, migrated, ProvisioningStep.Migrate, $"at version {set.LatestVersion} (migrated in the warm pool)", attempt),
            new(migrated, seeded, ProvisioningStep.Seed, seedCommands.Count == 0 ? "no seed script configured" : "base data seeded", attempt),
        };
        events.AddRange(verified.Events);
        return new StepOutcome(verified.Row, [.. events])
        {
            AlsoRun = [AppliedMigrations.UpsertAll(slug.Value, set.Scripts, 0)],
        };
    }
}
