using ControlPlane.Grains.Database;

namespace ControlPlane.Grains.Tenants.Steps;

/// <summary>The DDL that gives a tenant its role and schema; one builder, used by the step and by the benchmark's raw baseline.</summary>
public static class TenantDdl
{
    /// <summary>
    /// Creates (or, when <paramref name="roleExists"/>, re-asserts) the tenant's login role, confined to its schema,
    /// and the schema with default privileges for the tables migrations will create.
    /// </summary>
    public static string CreateRoleAndSchema(TenantSlug slug, string database, string scramVerifier, bool roleExists) =>
        CreateRoleAndSchema(slug.SchemaName, slug.RoleName, database, TenantRoles.Marker(database, slug), scramVerifier, roleExists);

    /// <summary>
    /// The same for a warm pool schema (<see cref="WarmPool.PoolSchemaName"/>): its role cannot log in and has no
    /// password until a tenant claims it.
    /// </summary>
    public static string CreatePoolRoleAndSchema(string name, string database) =>
        CreateRoleAndSchema(name, name, database, TenantRoles.PoolMarker(database, name), scramVerifier: null, roleExists: false);

    private static string CreateRoleAndSchema(string schemaName, string roleName, string database, string marker, string? scramVerifier, bool roleExists)
    {
        var schema = PgIdentifier.Quote(schemaName);
        var role = PgIdentifier.Quote(roleName);
        var db = PgIdentifier.Quote(database);
        var group = PgIdentifier.Quote(TenantRoles.GroupRole);
        var login = scramVerifier is null ? "NOLOGIN" : "LOGIN";
        var password = scramVerifier is null ? "NULL" : PgIdentifier.Literal(scramVerifier);

        // CONNECT comes from the shared group (granted once at start): GRANT ... ON DATABASE per tenant would rewrite the
        // database's one catalogue row, and parallel provisioning would fail with "tuple concurrently updated".
        return $"""
            {(roleExists ? "ALTER" : "CREATE")} ROLE {role} {login} INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {password};
            GRANT {group} TO {role};
            COMMENT ON ROLE {role} IS {PgIdentifier.Literal(marker)};
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
