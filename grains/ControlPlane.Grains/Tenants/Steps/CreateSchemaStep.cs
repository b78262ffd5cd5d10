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

        var schema = PgIdentifier.Quote(slug.SchemaName);
        var role = PgIdentifier.Quote(slug.RoleName);
        var verifier = PgIdentifier.Literal(ScramVerifier.Create(passwords.For(slug.RoleName)));
        await context.ExecuteAsync(
            $"""
            {(exists ? "ALTER" : "CREATE")} ROLE {role} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {verifier};
            COMMENT ON ROLE {role} IS {PgIdentifier.Literal(TenantRoles.Marker(database, slug))};
            ALTER ROLE {role} IN DATABASE {PgIdentifier.Quote(database)} SET search_path TO {schema};
            GRANT CONNECT ON DATABASE {PgIdentifier.Quote(database)} TO {role};
            CREATE SCHEMA IF NOT EXISTS {schema};
            REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {schema} TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};
            """);

        var row = context.Row with { State = TenantStatus.SchemaCreated };
        return new StepOutcome(row, new TenantEventDraft(
            context.Row.State, row.State, ProvisioningStep.CreateSchema, $"schema {slug.SchemaName} and role {slug.RoleName} created", context.Row.Attempts + 1));
    }
}
