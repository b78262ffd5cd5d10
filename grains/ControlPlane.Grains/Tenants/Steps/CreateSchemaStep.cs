using ControlPlane.Grains.Database;
using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>
/// <c>Requested → SchemaCreated</c>: the tenant's login role (usable only on its own schema, <c>search_path</c> set
/// on the role so no per-request SET is needed) and the schema, with default privileges for tables migrations create later.
/// </summary>
public sealed class CreateSchemaStep(ControlPlaneDataSources dataSources, TenantRolePasswords passwords)
{
    public async Task<StepOutcome> RunAsync(StepContext context)
    {
        // Second check of the naming rule, where the DDL is built: the registry row must name the slug's own objects.
        var slug = TenantSlug.Parse(context.Row.Slug);
        if (context.Row.SchemaName != slug.SchemaName || context.Row.RoleName != slug.RoleName)
        {
            throw new StepFailedException($"Registry row of '{slug}' names schema '{context.Row.SchemaName}' and role '{context.Row.RoleName}', not the slug's own.", retryable: false);
        }

        var database = dataSources.DatabaseName;
        var (exists, ours) = await TenantRoles.InspectAsync(context, database);
        if (exists && !ours)
        {
            throw new StepFailedException(
                $"A role named '{slug.RoleName}' already exists and was not created by this control plane for tenant '{slug}' in database '{database}'; it is left untouched. Drop or rename it, then retry.",
                retryable: false);
        }

        var verifier = ScramVerifier.Create(passwords.For(slug.RoleName));
        await context.ExecuteAsync(TenantDdl.CreateRoleAndSchema(slug, database, verifier, exists));

        var row = context.Row with { State = TenantStateMachine.To(ProvisioningStep.CreateSchema) };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.CreateSchema, $"schema {slug.SchemaName} and role {slug.RoleName} created", context.Row.Attempts + 1));
    }
}
