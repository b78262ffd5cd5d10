using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>The DDL that gives a tenant its role and schema; one builder, used by the step and by the benchmark's raw baseline.</summary>
public static class TenantDdl
{
    /// <summary>
    /// Creates (or, when <paramref name="roleExists"/>, re-asserts) the tenant's login role, confined to its schema,
    /// and the schema with default privileges for the tables migrations will create.
    /// </summary>
    public static string CreateRoleAndSchema(TenantSlug slug, string database, string scramVerifier, bool roleExists)
    {
        var schema = PgIdentifier.Quote(slug.SchemaName);
        var role = PgIdentifier.Quote(slug.RoleName);
        var db = PgIdentifier.Quote(database);
        var group = PgIdentifier.Quote(TenantRoles.GroupRole);

        // CONNECT comes from the shared group (granted once at start): GRANT ... ON DATABASE per tenant would rewrite the
        // database's one catalogue row, and parallel provisioning would fail with "tuple concurrently updated".
        return $"""
            {(roleExists ? "ALTER" : "CREATE")} ROLE {role} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {PgIdentifier.Literal(scramVerifier)};
            GRANT {group} TO {role};
            COMMENT ON ROLE {role} IS {PgIdentifier.Literal(TenantRoles.Marker(database, slug))};
            ALTER ROLE {role} IN DATABASE {db} SET search_path TO {schema};
            CREATE SCHEMA IF NOT EXISTS {schema};
            REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {schema} TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};
            """;
    }
}
