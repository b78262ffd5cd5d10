using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary><c>Deprovisioning → Deleted</c>: ends the role's sessions, drops the schema and the role. The registry row and history stay.</summary>
public sealed class DeprovisionStep(ControlPlaneDataSources dataSources)
{
    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var slug = TenantSlug.Parse(context.Row.Slug);
        var (exists, ours) = await TenantRoles.InspectAsync(context, dataSources.DatabaseName);
        await TenantRoles.TerminateSessionsAsync(context);
        await context.ExecuteAsync($"DROP SCHEMA IF EXISTS {PgIdentifier.Quote(slug.SchemaName)} CASCADE");
        if (exists && ours)
        {
            var role = PgIdentifier.Quote(slug.RoleName);
            await context.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role}");
        }

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Deprovision) };
        var detail = exists && !ours
            ? $"schema {slug.SchemaName} dropped; role {slug.RoleName} left alone (not created by this control plane)"
            : $"schema {slug.SchemaName} and role {slug.RoleName} dropped";
        return new StepOutcome(row, new TenantEventDraft(context.Row.State, row.State, ProvisioningStep.Deprovision, detail, context.Row.Attempts + 1));
    }
}
