using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Seeded → Active</c>: proves the tenant's own pool works before declaring it active: it logs in as the
/// tenant's role and lands on the tenant's schema alone (no <c>public</c> on the path).
/// </summary>
public static class ActivateStep
{
    public static async Task<StepOutcome> RunAsync(StepContext context)
    {
        await using var connection = await context.TenantPool().OpenConnectionAsync(context.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_user, pg_catalog.current_schemas(false)";
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        await reader.ReadAsync(context.CancellationToken);
        var user = reader.GetString(0);
        var schemas = reader.GetFieldValue<string[]>(1);
        if (user != context.Slug.RoleName || schemas is not [var only] || only != context.Slug.SchemaName)
        {
            throw new StepFailedException(
                $"The tenant pool of '{context.Slug}' runs as '{user}' on search path [{string.Join(", ", schemas)}]; expected '{context.Slug.RoleName}' on [{context.Slug.SchemaName}].",
                retryable: true);
        }

        var row = context.Row with { State = TenantStatus.Active };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.Activate, $"verified: {user} on {only}", context.Row.Attempts + 1));
    }
}
