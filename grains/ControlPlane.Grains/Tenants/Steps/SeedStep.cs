using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Migrated → Seeded</c>: runs the seed script in the tenant's schema, personalised through settings bound as
/// parameters. It commits with the state change, so a tenant is seeded exactly once.
/// </summary>
public sealed class SeedStep(SeedScript seed)
{
    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var sql = seed.Read();
        if (sql is not null)
        {
            await using (var settings = context.Command(
                "SELECT pg_catalog.set_config('controlplane.tenant_display_name', $1, true), pg_catalog.set_config('controlplane.tenant_slug', $2, true)"))
            {
                settings.Parameters.Add(new() { Value = context.Row.DisplayName });
                settings.Parameters.Add(new() { Value = context.Slug.Value });
                await settings.ExecuteNonQueryAsync(context.CancellationToken);
            }

            await context.ExecuteAsync($"SET LOCAL search_path TO {PgIdentifier.Quote(context.Slug.SchemaName)}");
            await context.ExecuteAsync(sql);
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Seed) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Seed, sql is null ? "no seed script configured" : "base data seeded", context.Row.Attempts + 1));
    }
}
