using ControlPlane.Grains.Database;
using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Registry;
using Npgsql;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Migrated → Seeded</c>: runs the seed script in the tenant's schema, personalised through settings bound as
/// parameters. It commits with the state change, so a tenant is seeded exactly once. A claim from the warm pool runs
/// the same seed (<see cref="Personalise(TenantRow, TenantSlug)"/>, <see cref="CommandsFor"/>) in its own transaction.
/// </summary>
public sealed class SeedStep(SeedScript seed)
{
    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var script = ScriptFor(context.Slug);
        if (script is not null)
        {
            await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { Personalise(context.Row, context.Slug) } })
            {
                await batch.ExecuteNonQueryAsync(context.CancellationToken);
            }

            await context.ExecuteAsync(script);
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Seed) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Seed, script is null ? "no seed script configured" : "base data seeded", context.Row.Attempts + 1));
    }

    /// <summary>The settings the seed reads (<c>controlplane.tenant_display_name</c>, <c>controlplane.tenant_slug</c>), bound as parameters, for the step's transaction.</summary>
    public static NpgsqlBatchCommand Personalise(TenantRow row, TenantSlug slug) => Personalise(row.DisplayName, slug);

    /// <summary><see cref="Personalise(TenantRow, TenantSlug)"/> for a tenant known by its display name (one not yet registered).</summary>
    public static NpgsqlBatchCommand Personalise(string displayName, TenantSlug slug) => new(
        "SELECT pg_catalog.set_config('controlplane.tenant_display_name', $1, true), pg_catalog.set_config('controlplane.tenant_slug', $2, true)")
    {
        Parameters = { new() { Value = displayName }, new() { Value = slug.Value } },
    };

    /// <summary>The seed as batch commands on the tenant's schema (its path first); none when no seed is configured.</summary>
    public IReadOnlyList<NpgsqlBatchCommand> CommandsFor(TenantSlug slug) => seed.ReadStatements() is { } statements
        ? [new NpgsqlBatchCommand($"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)}"), .. statements.Select(s => new NpgsqlBatchCommand(s))]
        : [];

    /// <summary>The seed script on the tenant's schema (path set in the same round trip), or null when none is configured.</summary>
    public string? ScriptFor(TenantSlug slug) =>
        seed.Read() is { } sql ? $"SET LOCAL search_path TO {PgIdentifier.Quote(slug.SchemaName)};\n{sql}" : null;
}
