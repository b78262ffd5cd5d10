using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary><c>Deprovisioning → Deleted</c>: ends the role's sessions, drops the schema and the role. The registry row and history stay.</summary>
public sealed class DeprovisionStep(ControlPlaneDataSources dataSources)
{
    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        var detail = await TenantRoles.DropSchemaAndRoleAsync(context, dataSources.DatabaseName);
        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.Deprovision) };
        return new StepOutcome(row, new TenantEventDraft(context.Row.State, row.State, ProvisioningStep.Deprovision, detail, context.Row.Attempts + 1));
    }
}
